using MassTransit;

namespace FeatureBuilder.Consumers;

/// <summary>
/// Storing a chunk is one write of a few hundred kilobytes; a few at once keep the store busy without
/// holding many large messages in memory.
/// </summary>
public sealed class BatchChunkScoredConsumerDefinition : ConsumerDefinition<BatchChunkScoredConsumer>
{
    private const int InFlight = 4;

    /// <summary>Stores up to four chunks at once.</summary>
    public BatchChunkScoredConsumerDefinition()
    {
        ConcurrentMessageLimit = InFlight;
        Endpoint(endpoint => endpoint.PrefetchCount = 2 * InFlight);
    }
}
