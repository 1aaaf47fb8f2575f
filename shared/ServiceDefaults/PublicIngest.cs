using System.Net.Mime;
using Contracts.Ingest;
using MassTransit;
using MassTransit.Serialization;

namespace ServiceDefaults;

/// <summary>
/// The receive side of <c>platform.ingest</c>: a queue that other systems' messages reach as plain JSON or as
/// structured CloudEvents (<c>application/json</c>, <c>application/cloudevents+json</c>, or no content type at
/// all), never MassTransit envelopes.
/// </summary>
public static class PublicIngest
{
    /// <summary>
    /// Makes <paramref name="endpoint"/> read raw JSON (CloudEvents too), binds it to <c>platform.ingest</c> with
    /// <paramref name="routingKey"/> on RabbitMQ, and keeps MassTransit from binding its own message-type
    /// exchanges to it.
    /// </summary>
    public static void ConfigureIngestEndpoint(this IReceiveEndpointConfigurator endpoint, string routingKey, int prefetchCount)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.ConfigureConsumeTopology = false;
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpoint.AddDeserializer(new CloudEventsDeserializerFactory());
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = prefetchCount;
            rabbit.Bind(PublicExchanges.Ingest, exchange =>
            {
                exchange.ExchangeType = "topic";
                exchange.RoutingKey = routingKey;
            });
        }
    }

    /// <summary>
    /// The RabbitMQ user that published the message being consumed, when the publisher set the <c>user_id</c> property:
    /// RabbitMQ refuses a message whose <c>user_id</c> is not the publishing connection's user, so the name is the
    /// broker's word, not the sender's claim. Null when the property is not set (RabbitMQ does not add it) and on
    /// transports other than RabbitMQ.
    /// </summary>
    public static string? PublishingUserOf(ConsumeContext context) =>
        context is not null && context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Properties.UserId is { Length: > 0 } user
            ? user
            : null;

    // CloudEvents in structured mode are JSON documents with their own media type: read them as raw JSON.
    private sealed class CloudEventsDeserializerFactory : ISerializerFactory
    {
        private static readonly SystemTextJsonRawMessageSerializer Raw = new(RawSerializerOptions.AnyMessageType);

        public ContentType ContentType { get; } = new(PublicExchanges.CloudEventsContentType);

        public IMessageSerializer CreateSerializer() => Raw;

        public IMessageDeserializer CreateDeserializer() => Raw;
    }
}
