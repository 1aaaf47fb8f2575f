using MassTransit;

namespace Monitor.Consumers;

/// <summary>Names Monitor's queue of scored chunks after the service: FeatureBuilder stores the same events from its own queue.</summary>
public sealed class BatchChunkScoredConsumerDefinition : ConsumerDefinition<BatchChunkScoredConsumer>
{
    /// <summary>Names the queue.</summary>
    public BatchChunkScoredConsumerDefinition() => EndpointName = "monitor-batch-chunk-scored";
}
