using System.Globalization;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Turns the proxy's own failures into problem details a client can act on: no healthy instance (503),
/// an instance that does not answer in time (504) or at all (502). Retry-After is set on each, so clients
/// back off instead of hammering a service that is restarting.
/// </summary>
public static class ProxyErrors
{
    /// <summary>The proxy pipeline step; it wraps load balancing and forwarding.</summary>
    public static async Task HandleAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next();

        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
            return;

        var (status, title, detail) = failure.Error switch
        {
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, "No instance available",
                "No healthy instance of the service behind this path is available right now."),
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time",
                "The service behind this path did not answer within the gateway's timeout."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled when context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                (StatusCodes.Status413PayloadTooLarge, "Request body too large", "The body is larger than the gateway accepts."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.RequestCanceled =>
                (StatusCodes.Status400BadRequest, "The request body could not be read", "The client stopped sending the body."),
            _ => (StatusCodes.Status502BadGateway, "The service is unreachable",
                "The service behind this path could not be reached; it may be restarting."),
        };

        if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout or StatusCodes.Status502BadGateway)
        {
            var retryAfter = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RetryAfterSeconds;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        await TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
