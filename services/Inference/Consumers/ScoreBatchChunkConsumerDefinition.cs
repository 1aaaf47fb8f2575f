using MassTransit;

namespace Inference.Consumers;

/// <summary>
/// A chunk keeps a core busy for milliseconds (thousands of rows), so a replica scores as many chunks at
/// once as it has cores, and holds one more per core so the next is there when one finishes. More in hand
/// would only keep chunks from other replicas.
/// </summary>
public sealed class ScoreBatchChunkConsumerDefinition : ConsumerDefinition<ScoreBatchChunkConsumer>
{
    /// <summary>Scores up to one chunk per core at once, prefetching two per core.</summary>
    public ScoreBatchChunkConsumerDefinition()
    {
        ConcurrentMessageLimit = Environment.ProcessorCount;
        Endpoint(endpoint => endpoint.PrefetchCount = 2 * Environment.ProcessorCount);
    }
}
