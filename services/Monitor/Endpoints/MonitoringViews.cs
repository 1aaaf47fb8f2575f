using System.Text.Json;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;

namespace Monitor.Endpoints;

/// <summary>The watched versions.</summary>
public sealed record MonitoredModelList(IReadOnlyList<MonitoredModel> Models);

/// <summary>One watched version: its traffic since Monitor started and its firing rules.</summary>
public sealed record MonitoredModel(string Model, string Version, long Predictions, long Outcomes, DateTimeOffset? FirstPredictionAt, DateTimeOffset? LastPredictionAt, int ActiveAlerts);

/// <summary>A version's timeline.</summary>
public sealed record Timeline(int BucketSeconds, IReadOnlyList<TimelinePoint> Points);

/// <summary>
/// One time bucket of a timeline: PSI per column, latency percentiles, and the task's performance: binary realized and
/// estimated AUC and accuracy; multiclass realized and estimated accuracy and realized macro-F1; regression MAE and RMSE.
/// </summary>
public sealed record TimelinePoint(
    DateTimeOffset Start,
    DateTimeOffset End,
    long Predictions,
    long Outcomes,
    IReadOnlyDictionary<string, double?> Drift,
    double? Auc,
    double? EstimatedAuc,
    double? Accuracy,
    double? EstimatedAccuracy,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    double? MacroF1 = null,
    double? Mae = null,
    double? Rmse = null)
{
    /// <summary>The point of one bucket (its columns matched to <paramref name="profile"/>'s).</summary>
    public static TimelinePoint Of(ReferenceProfile profile, TimeBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(bucket);
        var predictions = profile.Align(bucket.Predictions);
        var drift = profile.Columns
            .Select((column, index) => (column.Column, Report: ColumnDriftReport.Of(column, predictions.Columns[index])))
            .ToDictionary(pair => pair.Column, pair => pair.Report.Rows == 0 ? null : pair.Report.Psi);
        var performance = PerformanceReport.Of(profile, predictions, bucket.Outcomes);
        var (realized, estimated) = (performance.Realized, performance.Estimated);
        return new TimelinePoint(
            bucket.Start, bucket.End, predictions.Rows, bucket.Outcomes.Rows, drift,
            realized?.ValueOf("auc"), estimated?.ValueOf("auc"), realized?.ValueOf("accuracy"), estimated?.ValueOf("accuracy"),
            LatencyBins.Quantile(predictions.Latencies, 0.50),
            LatencyBins.Quantile(predictions.Latencies, 0.95),
            LatencyBins.Quantile(predictions.Latencies, 0.99),
            realized?.ValueOf("macro-f1"), realized?.ValueOf("mae"), realized?.ValueOf("rmse"));
    }
}

/// <summary>Alert history.</summary>
public sealed record AlertList(IReadOnlyList<AlertView> Alerts);

/// <summary>One alert as the API shows it: the stored entry with its event as <c>details</c>.</summary>
public sealed record AlertView(Guid AlertId, string Kind, string Model, string Version, string Rule, DateTimeOffset DetectedAt, string Summary, JsonElement Details)
{
    /// <summary>The view of a stored alert.</summary>
    public static AlertView Of(AlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        using var details = JsonDocument.Parse(alert.DetailsJson);
        return new AlertView(alert.AlertId, alert.Kind, alert.ModelName, alert.ModelVersion, alert.Rule, alert.DetectedAt, alert.Summary, details.RootElement.Clone());
    }
}

/// <summary>The rules' states.</summary>
public sealed record RuleStateList(IReadOnlyList<RuleStateView> Rules);

/// <summary>One rule's state for one model version.</summary>
public sealed record RuleStateView(string Rule, string Kind, string Model, string Version, string State, int Consecutive, DateTimeOffset? Since, DateTimeOffset? LastFiredAt, double? LastValue)
{
    /// <summary>The view of a rule state.</summary>
    public static RuleStateView Of(AlertRuleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new RuleStateView(state.Rule, state.Kind, state.ModelName, state.ModelVersion, StateName(state.State), state.Consecutive, state.Since, state.LastFiredAt, state.LastValue);
    }

    /// <summary>The state's name in the API: ok, pending or firing.</summary>
    public static string StateName(RuleStatus state) => state switch
    {
        RuleStatus.Ok => "ok",
        RuleStatus.Pending => "pending",
        _ => "firing",
    };
}
