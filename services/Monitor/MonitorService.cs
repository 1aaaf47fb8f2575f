using ServiceDefaults;

namespace Monitor;

/// <summary>
/// The Monitor service's composition: what it adds to a host and which endpoints it maps. The separate
/// Monitor process and the embedded host both call these two methods.
/// </summary>
public static class MonitorService
{
    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(MonitorService).Assembly,
        "Watches input drift, live accuracy and service health, and raises alerts.");

    /// <summary>Adds the monitor's services. Call it before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddMonitor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder;
    }

    /// <summary>Maps the Monitor service's endpoints.</summary>
    public static WebApplication MapMonitor(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        return app;
    }
}
