using FeatureBuilder.Ingest;
using MassTransit;
using ServiceDefaults;

namespace FeatureBuilder.Consumers;

/// <summary>
/// The queue other systems' prediction requests arrive on: <c>feature-builder-ingest-predictions</c>, bound to
/// the topic exchange <c>platform.ingest</c> with routing key <c>prediction.requested</c>. Bodies are plain JSON
/// or CloudEvents (<c>application/json</c>, <c>application/cloudevents+json</c> or no content type at all),
/// not MassTransit envelopes; MassTransit does not bind its own message-type exchanges to this queue.
/// </summary>
public sealed class IngestedPredictionRequestConsumerDefinition : ConsumerDefinition<IngestedPredictionRequestConsumer>
{
    private const int InFlight = 32;

    /// <summary>Names the queue and lets up to 32 requests wait on Inference at once.</summary>
    public IngestedPredictionRequestConsumerDefinition()
    {
        EndpointName = IngestTopology.PredictionRequestsQueue;
        ConcurrentMessageLimit = InFlight;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IngestedPredictionRequestConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureIngestEndpoint(IngestTopology.PredictionRequestedKey, prefetchCount: InFlight);
    }
}
