using MassTransit;

namespace Inference.Consumers;

/// <summary>
/// Scoring takes tens of microseconds; what bounds a replica is how many requests it has in hand while
/// answers and acknowledgements travel. MassTransit's default prefetch (a few messages per core) would idle
/// the replica between round trips, so it takes more.
/// </summary>
public sealed class ScoreRequestConsumerDefinition : ConsumerDefinition<ScoreRequestConsumer>
{
    private const int InFlight = 64;

    /// <summary>Prefetches and processes up to 64 requests at once.</summary>
    public ScoreRequestConsumerDefinition()
    {
        ConcurrentMessageLimit = InFlight;
        Endpoint(endpoint => endpoint.PrefetchCount = InFlight);
    }
}
