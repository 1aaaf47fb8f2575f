using Monitor.Consumers;
using MassTransit;
using ServiceDefaults;

namespace Monitor.Computational;

/// <summary>
/// Computational monitoring: request rate, errors and p50/p95/p99 latency per service and model version, from the
/// <c>RequestMetricsReported</c> every service publishes (ServiceDefaults' request metrics). Kept in memory for
/// <see cref="ComputationalMonitoringOptions.Retention"/>; a Monitor restart starts it empty.
/// </summary>
public static class ComputationalMonitoring
{
    /// <summary>
    /// Adds the options (section <c>ComputationalMonitoring</c>, validated at start-up), the aggregator and the
    /// consumer of the reports (queue <c>monitor-request-metrics-reported</c>). Call it before <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddComputationalMonitoring(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<ComputationalMonitoringOptions>()
            .Bind(builder.Configuration.GetSection(ComputationalMonitoringOptions.SectionName))
            .Validate(options => options.Retention >= TimeSpan.FromMinutes(1) && options.Retention <= TimeSpan.FromDays(31),
                "ComputationalMonitoring:Retention must be from 00:01:00 to 31.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServiceTrafficAggregator>();
        builder.AddMessageConsumers(bus => bus.AddConsumer<RequestMetricsReportedConsumer, RequestMetricsReportedConsumerDefinition>());
        return builder;
    }

    /// <summary>Maps <c>GET /api/v1/monitoring/services</c> and <c>GET /api/v1/monitoring/services/timeline</c>.</summary>
    public static IEndpointRouteBuilder MapComputationalMonitoringEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapServiceTrafficEndpoints();
    }
}
