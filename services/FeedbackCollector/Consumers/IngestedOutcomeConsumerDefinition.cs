using FeedbackCollector.Ingest;
using MassTransit;
using ServiceDefaults;

namespace FeedbackCollector.Consumers;

/// <summary>
/// The queue other systems' outcomes arrive on: <c>feedback-collector-ingest-outcomes</c>, bound to the topic
/// exchange <c>platform.ingest</c> with routing key <c>outcome.observed</c>. Bodies are plain JSON or
/// CloudEvents (<c>application/json</c>, <c>application/cloudevents+json</c> or no content type at all), not
/// MassTransit envelopes; MassTransit does not bind its own message-type exchanges to this queue.
/// </summary>
public sealed class IngestedOutcomeConsumerDefinition : ConsumerDefinition<IngestedOutcomeConsumer>
{
    private const int InFlight = 16;

    /// <summary>Names the queue and lets up to 16 outcomes be joined at once.</summary>
    public IngestedOutcomeConsumerDefinition()
    {
        EndpointName = OutcomeIngest.OutcomesQueue;
        ConcurrentMessageLimit = InFlight;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IngestedOutcomeConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.ConfigureIngestEndpoint(OutcomeIngest.OutcomeObservedKey, prefetchCount: InFlight * 2);
    }
}
