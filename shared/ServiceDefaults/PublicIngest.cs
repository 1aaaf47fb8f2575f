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
    /// The header that holds the <c>user_id</c> a message was published with once it was moved to the error (or
    /// dead-letter) queue, which keeps no <c>user_id</c> (<see cref="IngestMoves"/>).
    /// </summary>
    public const string PublisherHeader = "Platform-Ingest-UserId";

    /// <summary>
    /// Makes <paramref name="endpoint"/> read raw JSON (CloudEvents too), binds it to <c>platform.ingest</c> with
    /// <paramref name="routingKey"/> on RabbitMQ, keeps MassTransit from binding its own message-type exchanges to it,
    /// and moves refused messages to its error queue with their <c>user_id</c> in <see cref="PublisherHeader"/>.
    /// </summary>
    public static void ConfigureIngestEndpoint(this IReceiveEndpointConfigurator endpoint, string routingKey, int prefetchCount)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.ConfigureConsumeTopology = false;
        IngestMoves.Configure(endpoint);
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
    /// broker's word, not the sender's claim. A message that did not come through <c>platform.ingest</c> was put in the
    /// queue by the platform's own users or an operator (only they may publish to it directly: moved back from the error
    /// queue by <c>scripts/requeue-errors.sh</c>); without <c>user_id</c>, its publisher is the one
    /// <see cref="PublisherHeader"/> kept when it was moved there. Null when neither says (RabbitMQ does not add
    /// <c>user_id</c>) and on transports other than RabbitMQ.
    /// </summary>
    public static string? PublishingUserOf(ConsumeContext context)
    {
        if (context is null || !context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit))
            return null;
        if (rabbit.Properties.UserId is { Length: > 0 } user)
            return user;
        if (rabbit.Exchange == PublicExchanges.Ingest || rabbit.Properties.Headers?.TryGetValue(PublisherHeader, out var moved) != true)
            return null;
        return moved switch
        {
            byte[] bytes when bytes.Length > 0 => System.Text.Encoding.UTF8.GetString(bytes),
            string { Length: > 0 } text => text,
            _ => null,
        };
    }

    // CloudEvents in structured mode are JSON documents with their own media type: read them as raw JSON.
    private sealed class CloudEventsDeserializerFactory : ISerializerFactory
    {
        private static readonly SystemTextJsonRawMessageSerializer Raw = new(RawSerializerOptions.AnyMessageType);

        public ContentType ContentType { get; } = new(PublicExchanges.CloudEventsContentType);

        public IMessageSerializer CreateSerializer() => Raw;

        public IMessageDeserializer CreateDeserializer() => Raw;
    }
}
