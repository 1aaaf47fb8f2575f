using Yarp.ReverseProxy.Configuration;

namespace Gateway.Security;

/// <summary>Gives every proxied route that names no policy of its own the <see cref="OperationScopeRequirement"/> policy.</summary>
public sealed class OperationScopeRouteFilter : IProxyConfigFilter
{
    /// <inheritdoc />
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    /// <inheritdoc />
    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(route);
        return ValueTask.FromResult(route.AuthorizationPolicy is null ? route with { AuthorizationPolicy = OperationScopeRequirement.PolicyName } : route);
    }
}
