using System.Reflection;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServiceDefaults;

/// <summary>OpenTelemetry for every service: one resource, three signals, OTLP export on demand.</summary>
public static class TelemetryExtensions
{
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
                .AddSource(DiagnosticHeaders.DefaultListenerName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(InstrumentationOptions.MeterName))
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

        return builder;
    }

    // Probes arrive every few seconds from Kubernetes and compose; as traces they would bury real requests.
    private static bool IsHealthProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HealthCheckExtensions.HealthPathPrefix, StringComparison.OrdinalIgnoreCase);
}
