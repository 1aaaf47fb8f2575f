using System.Net.Mime;
using FeedbackCollector.Ingest;
using MassTransit;
using MassTransit.Serialization;

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
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpointConfigurator.AddDeserializer(new CloudEventsDeserializerFactory());
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = InFlight * 2;
            rabbit.Bind(OutcomeIngest.Exchange, exchange =>
            {
                exchange.ExchangeType = "topic";
                exchange.RoutingKey = OutcomeIngest.OutcomeObservedKey;
            });
        }
    }

    // CloudEvents in structured mode are JSON documents with their own media type: read them as raw JSON.
    // (FeatureBuilder's ingest has the same few lines; a shared home would be ServiceDefaults.)
    private sealed class CloudEventsDeserializerFactory : ISerializerFactory
    {
        private static readonly SystemTextJsonRawMessageSerializer Raw = new(RawSerializerOptions.AnyMessageType);

        public ContentType ContentType { get; } = new(OutcomeIngest.CloudEventsContentType);

        public IMessageSerializer CreateSerializer() => Raw;

        public IMessageDeserializer CreateDeserializer() => Raw;
    }
}
