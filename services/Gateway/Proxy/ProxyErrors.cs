using System.Globalization;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Turns the proxy's own failures (YARP's <see cref="IForwarderErrorFeature"/>, which leaves an empty body)
/// into problem details a client can act on: no instance to send the request to, or one that refuses the
/// connection (503), one that does not answer within the cluster's ActivityTimeout (504), or one that fails
/// mid-answer (502). Each carries Retry-After, so clients back off while a service restarts.
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

        // A body past the gateway's limit: the body limit middleware outside the proxy answers it with the limit.
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return;

        var (status, title, detail) = Describe(failure);
        if (status is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout)
        {
            var retryAfter = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RetryAfterSeconds;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        // One type for every "try again later" answer, whatever the status: that is what a client acts on.
        var type = status == StatusCodes.Status400BadRequest ? ProblemTypes.BadRequest : ProblemTypes.ServiceUnavailable;
        await TypedResults.Problem(detail, statusCode: status, title: title, type: type).ExecuteAsync(context);
    }

    private static (int Status, string Title, string Detail) Describe(IForwarderErrorFeature failure) => failure.Error switch
    {
        ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, "No instance available",
            "No healthy instance of the service behind this path is available right now."),
        ForwarderError.Request when IsConnectFailure(failure.Exception) => (StatusCodes.Status503ServiceUnavailable, "Instance not reachable",
            "The instance of the service behind this path refused the connection; it may be starting or stopping."),
        ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time",
            "The service behind this path did not answer within the gateway's timeout."),
        ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.RequestCanceled =>
            (StatusCodes.Status400BadRequest, "The request body could not be read", "The client stopped sending the request."),
        _ => (StatusCodes.Status502BadGateway, "The service failed to answer",
            "The service behind this path did not give a complete answer; it may be restarting."),
    };

    // Nothing was sent yet, so trying again later (or another instance) is safe: a 503, not a 502.
    private static bool IsConnectFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
                return true;
        }

        return false;
    }
}
