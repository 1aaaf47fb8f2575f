using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Replay.Results;

/// <summary>
/// What a replay measured: per stream period the traffic and the live metric of the model's task, every alert with the
/// stream time it arrived at, and the model versions seen.
/// </summary>
/// <param name="RunId">The run's id, the prefix of its correlation ids (<c>&lt;run&gt;:&lt;flight number&gt;</c>) and CloudEvent outcome ids (<c>…:outcome</c>).</param>
/// <param name="Settings">How the replay ran.</param>
/// <param name="StartedAt">Wall-clock start.</param>
/// <param name="Duration">Wall-clock duration, drain included.</param>
/// <param name="Completed">False when the replay was stopped before its last event (Ctrl+C).</param>
/// <param name="Totals">Counts over the whole replay.</param>
/// <param name="Periods">One row per period (<c>--period</c>) of the records' times.</param>
/// <param name="Alerts">The alerts for the replayed model, in arrival order.</param>
/// <param name="AlertsInTrainingPeriod">Alerts that arrived while the stream was in the model's training period.</param>
/// <param name="Lifecycle">New model versions and rollout changes of the replayed model, in arrival order.</param>
public sealed record ReplayReport(
    string RunId,
    ReplaySettings Settings,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    bool Completed,
    ReplayTotals Totals,
    IReadOnlyList<PeriodResult> Periods,
    IReadOnlyList<AlertResult> Alerts,
    int AlertsInTrainingPeriod,
    IReadOnlyList<LifecycleResult> Lifecycle)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The report as indented camelCase JSON (the period as its name).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as Markdown: settings, the table per period, the alert list and the training-period count.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var settings = Settings;
        text.Append(Invariant($"# Replay of {settings.Model}: {settings.From:yyyy-MM-dd HH:mm} – {settings.To:yyyy-MM-dd HH:mm}\n\n"));
        text.Append(Invariant($"{settings.Data} ({settings.Task}, outcome {settings.LabelField ?? "–"}), sample {settings.Sample:0.####}, speed {settings.Speed:0.##}×"))
            .Append(settings.MaxRate is { } rate ? Invariant($" (at most {rate:0.##} events/s)") : "")
            .Append(Invariant($", requests {Span(settings.Lead)} before each record's time, outcomes {Span(settings.OutcomeLag)} after they are known"))
            .Append(settings.SkipOutcomes ? " (outcomes not sent)" : "")
            .Append(settings.CloudEvents ? ", CloudEvents" : ", plain JSON")
            .Append(Invariant($"; run {RunId} started {StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {Span(Duration)}"))
            .Append(Completed ? "." : ", STOPPED before the end.")
            .Append("\n\n");

        var baseline = settings.Baseline is { } folder ? $" ({Path.GetFileName(folder.TrimEnd('/', '\\'))})" : "";
        var period = settings.Period.Word();
        switch (settings.Task)
        {
            case "binary":
                text.Append($"| {period} | requests sent | predictions received | {settings.Positive} | mean probability | live AUC | baseline AUC{baseline} | answered by version | alerts |\n");
                text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
                break;
            case "multiclass":
                text.Append($"| {period} | requests sent | predictions received | true labels | live accuracy | live macro-F1 | baseline accuracy{baseline} | answered by version | alerts |\n");
                text.Append("| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |\n");
                break;
            default:
                text.Append($"| {period} | requests sent | predictions received | mean label | mean prediction | live RMSE | live MAE | baseline RMSE{baseline} | answered by version | alerts |\n");
                text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
                break;
        }

        foreach (var row in Periods)
        {
            var versions = string.Join(", ", row.Versions.Select(version => Invariant($"{version.Key}: {Share((double)version.Value / Math.Max(1, row.PredictionsReceived))}")));
            text.Append(Invariant($"| {row.Period} | {row.RequestsSent:N0} | {row.PredictionsReceived:N0} | "));
            text.Append(settings.Task switch
            {
                "binary" => Invariant($"{Share(row.MeanTruth)} | {Number(row.MeanPrediction)} | {Number(row.Live.Auc)} | {Number(row.Baseline?.Auc)} | "),
                "multiclass" => Invariant($"{Labels(row.LabelShares)} | {Number(row.Live.Accuracy)} | {Number(row.Live.MacroF1)} | {Number(row.Baseline?.Accuracy)} | "),
                _ => Invariant($"{Number(row.MeanTruth)} | {Number(row.MeanPrediction)} | {Number(row.Live.Rmse)} | {Number(row.Live.Mae)} | {Number(row.Baseline?.Rmse)} | "),
            });
            text.Append(Invariant($"{versions} | {row.Alerts} |\n"));
        }

        var totals = Totals;
        text.Append(Invariant($"\n{totals.RequestsSent:N0} requests and {totals.OutcomesSent:N0} outcomes sent, {totals.PredictionsReceived:N0} predictions received"))
            .Append(totals.Versions.Count > 0 ? " (version " + string.Join(", ", totals.Versions.Select(version => Invariant($"{version.Key}: {version.Value:N0}"))) + ")" : "")
            .Append('.');
        if (totals.DuplicatePredictions > 0)
            text.Append(Invariant($" {totals.DuplicatePredictions:N0} duplicate predictions ignored."));
        if (totals.UnroutableRequests > 0)
            text.Append(Invariant($" {totals.UnroutableRequests:N0} requests found no queue (is FeatureBuilder running?)."));
        if (totals.UnroutableOutcomes > 0)
            text.Append(Invariant($" {totals.UnroutableOutcomes:N0} outcomes found no queue (is the FeedbackCollector's outcome ingest running?)."));
        if (totals.OutcomesHeld > 0)
            text.Append(Invariant($" {totals.OutcomesHeld:N0} outcomes waited for their prediction to come back ({totals.OutcomesWithoutPrediction:N0} in vain)."));
        if (totals.UnreadableMessages > 0)
            text.Append(Invariant($" {totals.UnreadableMessages:N0} messages could not be read."));
        text.Append("\n\n## Alerts\n\n");

        if (Alerts.Count == 0)
        {
            text.Append("None.\n");
        }
        else
        {
            text.Append("| stream time (arrived) | window ends (stream) | kind | rule | version | drifted columns / metric |\n");
            text.Append("| --- | --- | --- | --- | --- | --- |\n");
            foreach (var alert in Alerts)
            {
                text.Append(Invariant($"| {alert.StreamTime:yyyy-MM-dd HH:mm} | {(alert.WindowEndStreamTime is { } end ? end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "–")} | "))
                    .Append(Invariant($"{alert.Kind} | {alert.Rule} | {alert.ModelVersion} | {alert.Summary} |\n"));
            }
        }

        text.Append(Invariant($"\nAlerts during the training period ({settings.TrainingFrom:yyyy-MM-dd} – {settings.TrainingTo:yyyy-MM-dd}): **{AlertsInTrainingPeriod}**.\n"));
        text.Append("\n## Model lifecycle\n\n");
        if (Lifecycle.Count == 0)
        {
            text.Append("No new version, no rollout.\n");
        }
        else
        {
            text.Append("| stream time (arrived) | event | version | detail |\n");
            text.Append("| --- | --- | --- | --- |\n");
            foreach (var change in Lifecycle)
                text.Append(Invariant($"| {change.StreamTime:yyyy-MM-dd HH:mm} | {change.Event} | {change.Version} | {change.Detail} |\n"));
        }
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The true labels' shares, the most frequent first: "sun 47%, rain 41%, fog 8%".
    private static string Labels(IReadOnlyDictionary<string, double> shares) =>
        shares.Count == 0 ? "–" : string.Join(", ", shares.Select(share => Invariant($"{share.Key} {share.Value:0%}")));

    private static string Number(double? value) => value is { } number ? number.ToString("0.0000", CultureInfo.InvariantCulture) : "–";

    private static string Share(double? value) => value is { } share ? share.ToString("0.0%", CultureInfo.InvariantCulture) : "–";

    private static string Span(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => Invariant($"{span.TotalSeconds:0.#} s"),
        { TotalHours: < 1 } => Invariant($"{span.TotalMinutes:0.#} min"),
        _ => Invariant($"{span.TotalHours:0.##} h"),
    };
}

/// <summary>The settings a report was made with (the broker without its password) and what the model predicts.</summary>
/// <param name="Model">The model asked.</param>
/// <param name="Data">The records file (or <c>flights</c> for the demo flights).</param>
/// <param name="Card">The card the target came from (<c>--card</c>); null: the flights' defaults.</param>
/// <param name="Task">The model's task: <c>binary</c>, <c>multiclass</c> or <c>regression</c>.</param>
/// <param name="LabelField">The field whose value is sent as the outcome.</param>
/// <param name="Positive">Binary: what the truth's positive class is, e.g. <c>late (delay &gt; 15)</c>.</param>
/// <param name="Period">The stretch of stream time per row of the report.</param>
/// <param name="From">First record time replayed.</param>
/// <param name="To">End of the replay (exclusive).</param>
/// <param name="Sample">Share of records replayed.</param>
/// <param name="Speed">Stream time per wall time.</param>
/// <param name="MaxRate">Events per second at most; null: no cap.</param>
/// <param name="Lead">How long before a record's time its request went out.</param>
/// <param name="OutcomeLag">How long after an outcome was known it went out.</param>
/// <param name="OutcomeHold">How long an outcome waited at most for its prediction.</param>
/// <param name="CloudEvents">Whether CloudEvents were sent.</param>
/// <param name="SkipOutcomes">Whether outcomes were left out.</param>
/// <param name="Broker">The broker, without credentials.</param>
/// <param name="TrainingFrom">Start of the served model's training period.</param>
/// <param name="TrainingTo">End of the training period.</param>
/// <param name="Baseline">The baseline bundle's folder, if any.</param>
public sealed record ReplaySettings(
    string Model,
    string Data,
    string? Card,
    string Task,
    string? LabelField,
    string Positive,
    ReplayPeriod Period,
    DateTime From,
    DateTime To,
    double Sample,
    double Speed,
    double? MaxRate,
    TimeSpan Lead,
    TimeSpan OutcomeLag,
    TimeSpan OutcomeHold,
    bool CloudEvents,
    bool SkipOutcomes,
    string Broker,
    DateTime TrainingFrom,
    DateTime TrainingTo,
    string? Baseline)
{
    /// <summary>The settings of <paramref name="options"/>, judging by <paramref name="target"/>.</summary>
    public static ReplaySettings Of(ReplayOptions options, ReplayTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        var broker = new UriBuilder(options.Amqp) { UserName = "", Password = "" }.Uri.ToString();
        return new ReplaySettings(options.Model, options.DataFile ?? "flights", options.Card, target.TaskName, target.LabelField, target.PositiveDescription, options.Period,
            options.From, options.To, options.Sample, options.Speed, options.MaxRate, options.Lead, options.OutcomeLag, options.OutcomeHold, options.CloudEvents,
            options.SkipOutcomes, broker, options.TrainingFrom, options.TrainingTo, options.BaselineFolder);
    }
}

/// <summary>Counts over a whole replay.</summary>
/// <param name="RequestsSent">Prediction requests published.</param>
/// <param name="OutcomesSent">Outcomes published.</param>
/// <param name="PredictionsReceived">Predictions matched to a request of this replay (first one per request).</param>
/// <param name="DuplicatePredictions">Further predictions for a request already answered.</param>
/// <param name="OtherPredictions">Predictions of the model for requests of someone else (other correlation ids).</param>
/// <param name="UnroutableRequests">Requests no queue took.</param>
/// <param name="UnroutableOutcomes">Outcomes no queue took.</param>
/// <param name="UnreadableMessages">Messages on the replay's queue it could not read.</param>
/// <param name="OutcomesHeld">Outcomes due before their flight's prediction had come back, held until it had.</param>
/// <param name="OutcomesWithoutPrediction">Of those, the ones sent when the hold ran out without the prediction.</param>
/// <param name="Versions">Predictions received per model version.</param>
public sealed record ReplayTotals(
    long RequestsSent,
    long OutcomesSent,
    long PredictionsReceived,
    long DuplicatePredictions,
    long OtherPredictions,
    long UnroutableRequests,
    long UnroutableOutcomes,
    long UnreadableMessages,
    long OutcomesHeld,
    long OutcomesWithoutPrediction,
    IReadOnlyDictionary<string, long> Versions);

/// <summary>One period of the records' times.</summary>
/// <param name="Period">e.g. <c>2001-02</c>, <c>2013-Q1</c>, <c>2013</c>.</param>
/// <param name="RequestsSent">Prediction requests sent for records of the period.</param>
/// <param name="OutcomesSent">Outcomes sent for records of the period.</param>
/// <param name="PredictionsReceived">Of those requests, how many were answered.</param>
/// <param name="MeanTruth">Binary: the share of positive truths (e.g. late flights); regression: the mean label; multiclass: null.</param>
/// <param name="MeanPrediction">Binary: the mean predicted probability; regression: the mean predicted value; multiclass: null.</param>
/// <param name="LabelShares">Multiclass: each true label's share, most frequent first; empty otherwise.</param>
/// <param name="Live">The task's metrics of the received predictions against the truths, computed by the tool.</param>
/// <param name="Baseline">The <c>--baseline</c> model's metrics on the same answered records; null without a baseline.</param>
/// <param name="Versions">Predictions received per model version that answered.</param>
/// <param name="Alerts">Alerts that arrived while the stream was in this period.</param>
public sealed record PeriodResult(
    string Period,
    long RequestsSent,
    long OutcomesSent,
    long PredictionsReceived,
    double? MeanTruth,
    double? MeanPrediction,
    IReadOnlyDictionary<string, double> LabelShares,
    LiveMetrics Live,
    LiveMetrics? Baseline,
    IReadOnlyDictionary<string, long> Versions,
    int Alerts);

/// <summary>A model lifecycle event as the replay saw it.</summary>
/// <param name="StreamTime">The stream time when it arrived.</param>
/// <param name="ReceivedAt">Wall-clock arrival.</param>
/// <param name="Event"><c>registered</c> (a new version) or <c>rollout running|paused|promoted|rolled-back</c>.</param>
/// <param name="Version">The new version, or the rollout's challenger.</param>
/// <param name="Detail">The version's trigger, or the rollout's strategy, share and reason.</param>
public sealed record LifecycleResult(DateTime StreamTime, DateTimeOffset ReceivedAt, string Event, string? Version, string Detail);

/// <summary>An alert as the replay saw it.</summary>
/// <param name="StreamTime">The stream time when it arrived (the last event's time if it arrived during the drain).</param>
/// <param name="WindowEndStreamTime">
/// The stream time of the newest request whose prediction the replay had received when Monitor's judged window
/// ended (the alert's <c>windowEnd</c>): Monitor and the replay get each prediction at about the same moment, so
/// this is about the newest flight in the window, however far the platform lags; null when unknown.
/// </param>
/// <param name="ReceivedAt">Wall-clock arrival.</param>
/// <param name="Kind"><c>drift</c>, <c>performance</c> or <c>stalled</c>.</param>
/// <param name="Rule">The rule that fired.</param>
/// <param name="ModelVersion">The model version.</param>
/// <param name="Drifted">Drift: the drifted columns, worst first.</param>
/// <param name="Metric">Performance: the metric.</param>
/// <param name="Value">Performance: its value; stalled: seconds without predictions.</param>
/// <param name="Threshold">Performance: the threshold crossed.</param>
/// <param name="Summary">One line: the drifted columns with their scores, or the metric against its threshold.</param>
public sealed record AlertResult(
    DateTime StreamTime,
    DateTime? WindowEndStreamTime,
    DateTimeOffset ReceivedAt,
    string Kind,
    string? Rule,
    string? ModelVersion,
    IReadOnlyList<string> Drifted,
    string? Metric,
    double? Value,
    double? Threshold,
    string Summary);
