using Gateway.Limits;
using Gateway.Proxy;
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

    /// <summary>Adds the gateway: the reverse proxy, configured by the <c>ReverseProxy</c> section. Call it before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .Validate(options => options.MaxRequestBodyBytes > 0, "Gateway:MaxRequestBodyBytes must be positive.")
            .Validate(options => options.RetryAfterSeconds > 0, "Gateway:RetryAfterSeconds must be positive.")
            .ValidateOnStart();
        // Routes and clusters live in configuration, so a deployment changes destinations without a build.
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection(ReverseProxySection));
        return builder;
    }

    /// <summary>Maps the Gateway service's endpoints.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // In the embedded host the public endpoints are local, in the distributed mode they are proxied:
        // the same limit applies to both.
        app.UseRequestBodyLimit();
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
