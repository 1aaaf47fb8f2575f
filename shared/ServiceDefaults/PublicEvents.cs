using System.Net.Mime;
using Contracts.Ingest;
using MassTransit;
using MassTransit.Serialization;

namespace ServiceDefaults;

/// <summary>
/// Sends events to systems outside the platform: on the <c>platform.events</c> topic exchange with a routing
/// key, as the document itself (plain JSON or a structured CloudEvent), never MassTransit's envelope.
/// </summary>
public static class PublicEvents
{
    private static readonly SystemTextJsonRawMessageSerializer PlainJson = new();

    /// <summary>Sends <paramref name="message"/> to <c>platform.events</c> with <paramref name="routingKey"/>.</summary>
    /// <param name="endpoints">The bus, or a consume context.</param>
    /// <param name="message">The document.</param>
    /// <param name="routingKey">e.g. <c>prediction.made.flight-delay</c>.</param>
    /// <param name="contentType"><c>application/json</c>, or <see cref="PublicExchanges.CloudEventsContentType"/> for a CloudEvent.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static async Task SendAsync<T>(ISendEndpointProvider endpoints, T message, string routingKey, string contentType, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var events = await endpoints.GetSendEndpoint(new Uri($"exchange:{PublicExchanges.Events}?type=topic"));
        await events.Send(message, send =>
        {
            send.Serializer = PlainJson;
            send.ContentType = new ContentType(contentType);
            send.SetRoutingKey(routingKey);
        }, cancellationToken);
    }

    /// <summary>Sends <paramref name="message"/> as plain JSON (<c>application/json</c>).</summary>
    public static Task SendJsonAsync<T>(ISendEndpointProvider endpoints, T message, string routingKey, CancellationToken cancellationToken)
        where T : class => SendAsync(endpoints, message, routingKey, MediaTypeNames.Application.Json, cancellationToken);
}
