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

        // Routes and clusters live in configuration, so a deployment changes destinations without a build.
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection(ReverseProxySection));
        return builder;
    }

    /// <summary>Maps the Gateway service's endpoints.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapReverseProxy();
        return app;
    }
}
