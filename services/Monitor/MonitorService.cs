using MassTransit;
using Monitor.Alerts;
using Monitor.Computational;
using Monitor.Consumers;
using Monitor.Endpoints;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults;
using ServiceDefaults.Security;
using ServiceDefaults.ServedModels;
using ServiceDefaults.Storage;
using ServiceDefaults.Webhooks;

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

    /// <summary>The name of Monitor's database (<c>monitor.db</c> embedded, the <c>monitor</c> database in MongoDB).</summary>
    public const string StoreName = "monitor";

    /// <summary>
    /// Adds the monitor's services: the reference profiles of the served model versions, their windows fed by
    /// predictions (batch chunks too) and outcomes, the alert rules with their publisher and webhooks, the
    /// store, and the clock that closes buckets. Call it before <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddMonitor(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddValidatedOptions<MonitoringOptions>(MonitoringOptions.SectionName);
        builder.AddValidatedOptions<ComputationalMonitoringOptions>(ComputationalMonitoringOptions.SectionName);

        builder.AddDocumentDatabase(StoreName, typeof(MonitorService).Assembly);
        builder.Services.AddSingleton<BucketStore>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<RuleStateStore>();
        builder.AddServedModels<MonitoredVersions>();
        builder.Services.AddSingleton<MonitorMetrics>();
        builder.Services.AddWebhookDelivery();
        builder.Services.AddSingleton<AlertPublisher>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddSingleton<TrafficRecorder>();
        builder.Services.AddHostedService<BucketKeeper>();
        builder.Services.AddSingleton<ServiceTrafficAggregator>();
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<PredictionsMadeConsumer, PredictionsMadeConsumerDefinition>();
            bus.AddConsumer<BatchChunkScoredConsumer, BatchChunkScoredConsumerDefinition>();
            bus.AddConsumer<OutcomeRecordedConsumer, OutcomeRecordedConsumerDefinition>();
            bus.AddConsumer<RequestMetricsReportedConsumer, RequestMetricsReportedConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>
    /// Maps the Monitor service's endpoints, with the dashboard's sign-in and sign-out (<c>/api/v1/session</c>): Monitor
    /// serves the dashboard, so every way the platform runs has them once, here (the gateway routes them to Monitor).
    /// </summary>
    public static WebApplication MapMonitor(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapMonitoringEndpoints();
        app.MapServiceTrafficEndpoints();
        app.MapDashboard();
        app.MapSessionEndpoints();
        return app;
    }
}
