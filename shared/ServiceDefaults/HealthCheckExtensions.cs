using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults;

/// <summary>
/// Liveness and readiness. <c>/health/live</c> runs only the checks tagged <see cref="LiveTag"/> (the
/// process answers); <c>/health/ready</c> runs every check tagged <see cref="ReadyTag"/> (the service can do
/// its work: the message bus is connected, stores are reachable). Both answer 200 when healthy and 503
/// otherwise, with a JSON body written by <see cref="HealthReportWriter"/>.
/// </summary>
public static class HealthCheckExtensions
{
    /// <summary>Tag of the checks that say the process is alive; a failing one means "restart me".</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Tag of the checks that say the service can take traffic; a failing one means "send me nothing yet".
    /// MassTransit tags its bus check with it.
    /// </summary>
    public const string ReadyTag = "ready";

    /// <summary>The path under which both health endpoints live.</summary>
    public const string HealthPathPrefix = "/health";

    /// <summary>The liveness endpoint.</summary>
    public const string LivePath = HealthPathPrefix + "/live";

    /// <summary>The readiness endpoint.</summary>
    public const string ReadyPath = HealthPathPrefix + "/ready";

    internal static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("The process is running."), [LiveTag]);
        return builder;
    }

    internal static WebApplication MapDefaultHealthChecks(this WebApplication app)
    {
        // Mapped in every environment: compose and Kubernetes probe them in production.
        app.MapHealthChecks(LivePath, OptionsFor(LiveTag)).DisableHttpMetrics().AllowAnonymous();
        app.MapHealthChecks(ReadyPath, OptionsFor(ReadyTag)).DisableHttpMetrics().AllowAnonymous();
        return app;
    }

    private static HealthCheckOptions OptionsFor(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = HealthReportWriter.WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            // A degraded dependency still means "not ready" to a load balancer.
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
