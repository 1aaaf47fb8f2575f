using System.Reflection;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServiceDefaults.Metrics;
using ServiceDefaults.Security;

namespace ServiceDefaults;

/// <summary>
/// OpenTelemetry for every service: one resource, three signals, OTLP export on demand, metrics in
/// Prometheus text on <c>GET /metrics</c>, and the request metrics reported to Monitor (<see cref="RequestMetricsRecorder"/>).
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Meters exported without being named one by one: every service's own meter is called
    /// <c>Platform.&lt;Service&gt;</c> (e.g. <c>Platform.Inference</c>).
    /// </summary>
    public const string PlatformMeters = "Platform.*";

    /// <summary>The Prometheus scrape path every service answers (on its own port; the gateway does not route it).</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Configuration key (an environment variable) that turns OTLP export on, e.g. <c>http://jaeger:4318</c>.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Configuration key (an environment variable) that overrides the service name in telemetry.</summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>
    /// Subscribes OpenTelemetry to the <see cref="System.Diagnostics.ActivitySource"/> and the
    /// <see cref="System.Diagnostics.Metrics.Meter"/> with each of these names, so a service's own spans
    /// and instruments are exported with the rest. Call it from the service's <c>AddX</c>; it composes
    /// (every call adds) and works before or after <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetrySources(this IHostApplicationBuilder builder, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(names);

        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(names));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(names));
        return builder;
    }

    internal static IHostApplicationBuilder AddDefaultTelemetry(this IHostApplicationBuilder builder)
    {
        // The resource's service name is set explicitly, which would hide OTEL_SERVICE_NAME: honour it here.
        var serviceName = builder.Configuration[ServiceNameKey] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName;
        var serviceVersion = Assembly.GetEntryAssembly() is { } entry ? ServiceDescription.VersionOf(entry) : null;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: serviceVersion))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context))
                .AddHttpClientInstrumentation()
                .AddSource(DiagnosticHeaders.DefaultListenerName)
                .AddSource(Batching.BatchingTelemetry.ActivitySourceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                // On .NET 9 and later: the runtime's System.Runtime meter, which has the process's CPU time
                // and working set (dotnet.process.*) beside GC, JIT, thread pool and exceptions.
                .AddRuntimeInstrumentation()
                .AddMeter(InstrumentationOptions.MeterName)
                .AddMeter(PlatformMeters)
                .AddPrometheusExporter(prometheus => prometheus.ScrapeEndpointPath = MetricsPath))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });

        // Nothing is exported unless an endpoint is configured: a laptop run must not try to reach a collector.
        // UseOtlpExporter reads OTEL_EXPORTER_OTLP_PROTOCOL (grpc or http/protobuf), the per-signal variables,
        // OTEL_BSP_*, OTEL_BLRP_* and OTEL_METRIC_EXPORT_* from configuration.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            telemetry.UseOtlpExporter();
        }

        builder.AddRequestMetrics();
        return builder;
    }

    /// <summary>
    /// Puts the request metrics in front of everything else (so they see the status the client gets) and maps
    /// <c>GET /metrics</c>. Called first by <see cref="ServiceDefaultsExtensions.MapDefaultEndpoints"/>.
    /// </summary>
    internal static WebApplication UseDefaultTelemetry(this WebApplication app)
    {
        app.UseRequestMetrics();
        // Scrapes are not traffic: they stay out of http.server.request.duration and out of the request metrics.
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsPath).DisableHttpMetrics();
        // Open to scrapers by default (Security:OpenMetrics); otherwise it needs the read scope like the monitoring API.
        if (app.Configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.OpenMetrics), true))
            metrics.AllowAnonymous();
        else
            metrics.RequireScope(Scopes.Read);
        return app;
    }

    // Probes and Prometheus scrapes arrive every few seconds; as traces they would bury real requests.
    private static bool IsHealthProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HealthCheckExtensions.HealthPathPrefix, StringComparison.OrdinalIgnoreCase) ||
        context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
}
