using ServiceDefaults.RateLimiting;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Limits;

/// <summary>
/// Gives every proxied route that names no rate limiter policy of its own <see cref="RateLimitKinds.ByOperationPath"/>:
/// a route forwards operations of several kinds (<c>/api/v1/models/{**rest}</c> has predictions, batch uploads and
/// reads), so the kind of each request is looked up by its method and path (<see cref="RateLimitedOperations"/>) and
/// the gateway applies the same limits per caller as the service behind it.
/// </summary>
public sealed class RateLimitRouteFilter : IProxyConfigFilter
{
    /// <inheritdoc />
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    /// <inheritdoc />
    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(route);
        return ValueTask.FromResult(route.RateLimiterPolicy is null ? route with { RateLimiterPolicy = RateLimitKinds.ByOperationPath } : route);
    }
}
