using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Metrics;

/// <summary>Adds the request metrics (recorder, middleware, reporter) to every service through the service defaults.</summary>
internal static class RequestMetricsExtensions
{
    internal static IHostApplicationBuilder AddRequestMetrics(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);
        builder.Services.TryAddSingleton<HostMetrics>();
        builder.Services.TryAddSingleton<RequestMetricsRecorder>();
        builder.Services.TryAddSingleton(new EndpointAttribution(builder.Environment.ApplicationName));
        builder.Services.TryAddSingleton<RequestMetricsReporter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RequestMetricsReporter>());
        return builder;
    }

    internal static WebApplication UseRequestMetrics(this WebApplication app)
    {
        app.UseMiddleware<RequestMetricsMiddleware>();
        return app;
    }
}
