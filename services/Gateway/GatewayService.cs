using Gateway.Endpoints;
using Gateway.Limits;
using Gateway.OpenApi;
using Gateway.Proxy;
using Gateway.Security;
using Microsoft.AspNetCore.Authorization;
using ServiceDefaults;

namespace Gateway;

/// <summary>
/// The Gateway service's composition: what it adds to a host and which endpoints it maps. The separate
/// Gateway process and the embedded host both call these two methods.
/// </summary>
public static class GatewayService
{
    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(GatewayService).Assembly,
        "The only public entry: routes client requests to the services behind it.");

    /// <summary>The configuration section with the reverse proxy's routes and clusters.</summary>
    public const string ReverseProxySection = "ReverseProxy";

    /// <summary>
    /// Adds the gateway: its options (section <c>Gateway</c>, validated at start-up), the reverse proxy
    /// configured by the <c>ReverseProxy</c> section (empty in the embedded host, where every endpoint is
    /// local) with every route requiring its operation's scope and applying its operation's rate limit, and the public OpenAPI document. Call it after <c>AddServiceDefaults</c> and before
    /// <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);

        // Routes and clusters live in configuration, so a deployment changes destinations without a build.
        // Every route requires the scope the public document gives its operation (Security/OperationScopeRequirement),
        // and applies the rate limit of the operation's kind (Limits/RateLimitRouteFilter).
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(ReverseProxySection))
            .AddConfigFilter<OperationScopeRouteFilter>()
            .AddConfigFilter<RateLimitRouteFilter>();
        builder.Services.AddSingleton<IAuthorizationHandler, OperationScopeHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperationScopeRequirement.PolicyName, policy => policy.AddRequirements(new OperationScopeRequirement()));

        builder.Services.AddSingleton<UpstreamApiDocuments>();
        builder.Services.AddSingleton<PublicApiDocument>();
        return builder;
    }

    /// <summary>
    /// Maps the gateway: the body limit in front of the public paths, the public OpenAPI document with its
    /// API reference, and the proxy routes with problem details for the proxy's own failures.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // In the embedded host the public endpoints are local, in the distributed mode they are proxied:
        // the same limit applies to both.
        app.UseRequestBodyLimit();
        app.MapPublicApiDocument();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ProxyErrors.HandleAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
