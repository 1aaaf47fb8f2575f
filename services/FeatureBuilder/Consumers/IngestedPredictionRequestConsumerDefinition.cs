using System.Net.Mime;
using FeatureBuilder.Ingest;
using MassTransit;
using MassTransit.Serialization;

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
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpointConfigurator.AddDeserializer(new CloudEventsDeserializerFactory());
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = InFlight;
            rabbit.Bind(IngestTopology.IngestExchange, exchange =>
            {
                exchange.ExchangeType = "topic";
                exchange.RoutingKey = IngestTopology.PredictionRequestedKey;
            });
        }
    }

    // CloudEvents in structured mode are JSON documents with their own media type: read them as raw JSON.
    private sealed class CloudEventsDeserializerFactory : ISerializerFactory
    {
        private static readonly SystemTextJsonRawMessageSerializer Raw = new(RawSerializerOptions.AnyMessageType);

        public ContentType ContentType { get; } = new(IngestTopology.CloudEventsContentType);

        public IMessageSerializer CreateSerializer() => Raw;

        public IMessageDeserializer CreateDeserializer() => Raw;
    }
}
