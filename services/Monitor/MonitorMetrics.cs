using System.Diagnostics.Metrics;

namespace Monitor;

/// <summary>Monitor's own metrics (meter <c>Platform.Monitor</c>, exported with the others on <c>/metrics</c>).</summary>
public sealed class MonitorMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.Monitor";

    private readonly Counter<long> _predictions;
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _unusableOutcomes;
    private readonly Counter<long> _unprofiled;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _webhooks;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public MonitorMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("platform.monitor.predictions", description: "Predictions counted into the monitoring windows.");
        _outcomes = meter.CreateCounter<long>("platform.monitor.outcomes", description: "Outcomes counted into the live performance.");
        _unusableOutcomes = meter.CreateCounter<long>("platform.monitor.outcomes.unusable", description: "Outcomes without a probability or a readable actual value.");
        _unprofiled = meter.CreateCounter<long>("platform.monitor.unprofiled", description: "Events of model versions whose card Monitor does not have.");
        _alerts = meter.CreateCounter<long>("platform.monitor.alerts", description: "Alerts fired.");
        _webhooks = meter.CreateCounter<long>("platform.monitor.webhooks", description: "Webhook deliveries, by result.");
    }

    /// <summary>One prediction counted.</summary>
    public void PredictionCounted(string model, string version, string source) => PredictionsCounted(model, version, source, 1);

    /// <summary>Predictions counted.</summary>
    public void PredictionsCounted(string model, string version, string source, long count) =>
        _predictions.Add(count, new("model", model), new("version", version), new("source", source));

    /// <summary>One outcome counted.</summary>
    public void OutcomeCounted(string model, string version) => _outcomes.Add(1, new("model", model), new("version", version));

    /// <summary>One outcome could not be used.</summary>
    public void OutcomeUnusable(string model, string version) => _unusableOutcomes.Add(1, new("model", model), new("version", version));

    /// <summary>An event of a version without a card.</summary>
    public void Unprofiled(string model, string version) => _unprofiled.Add(1, new("model", model), new("version", version));

    /// <summary>An alert fired.</summary>
    public void AlertFired(string kind, string model, string version, string rule) =>
        _alerts.Add(1, new("kind", kind), new("model", model), new("version", version), new("rule", rule));

    /// <summary>A webhook delivery ended.</summary>
    public void WebhookDelivered(bool delivered) => _webhooks.Add(1, new KeyValuePair<string, object?>("result", delivered ? "delivered" : "failed"));
}
