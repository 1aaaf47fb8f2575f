using System.Text.Json;
using Contracts.Monitoring;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Webhooks;

namespace Monitor.Alerts;

/// <summary>
/// Delivers a fired alert everywhere it belongs: the alert history (store), the platform's bus (the contract
/// event, for the Retrainer), <c>platform.events</c> as plain JSON (routing key <c>alert.&lt;kind&gt;.&lt;model&gt;</c>,
/// for outside systems), and the configured webhooks (in the background, with retries).
/// </summary>
public sealed partial class AlertPublisher(
    AlertStore store,
    IBus bus,
    WebhookDelivery webhooks,
    IOptions<MonitoringOptions> options,
    MonitorMetrics metrics,
    ILogger<AlertPublisher> logger)
{
    /// <summary>Records and delivers <paramref name="alert"/>: a <see cref="DriftDetected"/>, <see cref="PerformanceDegraded"/> or <see cref="PredictionsStalled"/>.</summary>
    public async Task PublishAsync(object alert, CancellationToken cancellationToken)
    {
        var record = Record(alert);
        await store.AddAsync(record, cancellationToken);
        var routingKey = $"alert.{record.Kind}.{record.ModelName}";
        switch (alert)
        {
            case DriftDetected drift:
                await bus.Publish(drift, cancellationToken);
                await PublicEvents.SendJsonAsync(bus, drift, routingKey, cancellationToken);
                break;
            case PerformanceDegraded performance:
                await bus.Publish(performance, cancellationToken);
                await PublicEvents.SendJsonAsync(bus, performance, routingKey, cancellationToken);
                break;
            case PredictionsStalled stalled:
                await bus.Publish(stalled, cancellationToken);
                await PublicEvents.SendJsonAsync(bus, stalled, routingKey, cancellationToken);
                break;
        }

        // The webhook body: the alert event with its kind and summary.
        webhooks.Enqueue(options.Value.Webhooks, $"alert {record.AlertId}",
            $"{{\"kind\":\"{record.Kind}\",\"summary\":{JsonSerializer.Serialize(record.Summary)},\"alert\":{record.DetailsJson}}}",
            metrics.WebhookDelivered);
        metrics.AlertFired(record.Kind, record.ModelName, record.ModelVersion, record.Rule);
        LogAlert(logger, record.Kind, record.ModelName, record.ModelVersion, record.Summary);
    }

    /// <summary>The history entry of an alert event.</summary>
    public static AlertRecord Record(object alert) => alert switch
    {
        DriftDetected drift => new AlertRecord(drift.AlertId, "drift", drift.ModelName, drift.ModelVersion, drift.Rule, drift.DetectedAt,
            $"{drift.Drifted.Count} column(s) drifted over the {drift.Window}: {string.Join(", ", drift.Drifted.Take(5).Select(column => $"{column.Column} ({column.Statistic} {column.Score:0.###})"))}",
            Json(drift)),
        PerformanceDegraded performance => new AlertRecord(performance.AlertId, "performance", performance.ModelName, performance.ModelVersion, performance.Rule, performance.DetectedAt,
            $"{performance.Metric} {performance.Value:0.####} crossed {performance.Threshold:0.####} over the {performance.Window}" +
            (performance.Reference is { } reference ? $" (training: {reference:0.####})" : ""),
            Json(performance)),
        PredictionsStalled stalled => new AlertRecord(stalled.AlertId, "stalled", stalled.ModelName, stalled.ModelVersion, stalled.Rule, stalled.DetectedAt,
            $"no predictions for {stalled.SilentFor.TotalMinutes:0.#} min (last at {stalled.LastPredictionAt:u})",
            Json(stalled)),
        _ => throw new ArgumentException($"{alert?.GetType().Name} is not an alert", nameof(alert)),
    };

    private static string Json<T>(T alert) => JsonSerializer.Serialize(alert, JsonSerializerOptions.Web);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} alert for {Model} version {Version}: {Summary}")]
    private static partial void LogAlert(ILogger logger, string kind, string model, string version, string summary);
}
