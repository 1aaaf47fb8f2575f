using MassTransit;

namespace Monitor.Consumers;

/// <summary>Names Monitor's queue of predictions after the service, so FeedbackCollector, Monitor and Retrainer each get every event.</summary>
public sealed class PredictionsMadeConsumerDefinition : ConsumerDefinition<PredictionsMadeConsumer>
{
    /// <summary>Names the queue.</summary>
    public PredictionsMadeConsumerDefinition() => EndpointName = "monitor-predictions-made";
}
