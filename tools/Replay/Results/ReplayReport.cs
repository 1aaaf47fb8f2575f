using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Replay.Results;

/// <summary>What a replay measured: per stream month the traffic and the live AUC, and every alert with the stream time it arrived at.</summary>
/// <param name="RunId">The run's id, the prefix of its correlation ids (<c>&lt;run&gt;:&lt;flight number&gt;</c>) and CloudEvent outcome ids (<c>…:outcome</c>).</param>
/// <param name="Settings">How the replay ran.</param>
/// <param name="StartedAt">Wall-clock start.</param>
/// <param name="Duration">Wall-clock duration, drain included.</param>
/// <param name="Completed">False when the replay was stopped before its last event (Ctrl+C).</param>
/// <param name="Totals">Counts over the whole replay.</param>
/// <param name="Months">One row per calendar month of scheduled departures.</param>
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
    IReadOnlyList<MonthResult> Months,
    IReadOnlyList<AlertResult> Alerts,
    int AlertsInTrainingPeriod,
    IReadOnlyList<LifecycleResult> Lifecycle)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The report as indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as Markdown: settings, the month table, the alert list and the training-period count.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var settings = Settings;
        text.Append(Invariant($"# Replay of {settings.Model}: flights {settings.From:yyyy-MM-dd HH:mm} – {settings.To:yyyy-MM-dd HH:mm}\n\n"));
        text.Append(Invariant($"Sample {settings.Sample:0.####}, speed {settings.Speed:0.##}×"))
            .Append(settings.MaxRate is { } rate ? Invariant($" (at most {rate:0.##} events/s)") : "")
            .Append(Invariant($", requests {Span(settings.Lead)} before departure, outcomes {Span(settings.OutcomeLag)} after departure + delay"))
            .Append(settings.SkipOutcomes ? " (outcomes not sent)" : "")
            .Append(settings.CloudEvents ? ", CloudEvents" : ", plain JSON")
            .Append(Invariant($"; run {RunId} started {StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {Span(Duration)}"))
            .Append(Completed ? "." : ", STOPPED before the end.")
            .Append("\n\n");

        var baseline = settings.Baseline is { } folder ? $"baseline AUC ({Path.GetFileName(folder.TrimEnd('/', '\\'))})" : "baseline AUC";
        text.Append($"| month | flights sent | predictions received | late (delay > 15) | mean probability | live AUC | {baseline} | answered by version | alerts |\n");
        text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        foreach (var month in Months)
        {
            var versions = string.Join(", ", month.Versions.Select(version => Invariant($"{version.Key}: {Share((double)version.Value / Math.Max(1, month.PredictionsReceived))}")));
            text.Append(Invariant($"| {month.Month} | {month.FlightsSent:N0} | {month.PredictionsReceived:N0} | {Share(month.LateRate)} | "))
                .Append(Invariant($"{Number(month.MeanProbability)} | {Number(month.LiveAuc)} | {Number(month.BaselineAuc)} | {versions} | {month.Alerts} |\n"));
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

    private static string Number(double? value) => value is { } number ? number.ToString("0.0000", CultureInfo.InvariantCulture) : "–";

    private static string Share(double? value) => value is { } share ? share.ToString("0.0%", CultureInfo.InvariantCulture) : "–";

    private static string Span(TimeSpan span) => span switch
    {
        { TotalSeconds: < 60 } => Invariant($"{span.TotalSeconds:0.#} s"),
        { TotalHours: < 1 } => Invariant($"{span.TotalMinutes:0.#} min"),
        _ => Invariant($"{span.TotalHours:0.##} h"),
    };
}

/// <summary>The settings a report was made with (the broker without its password).</summary>
public sealed record ReplaySettings(
    string Model,
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
    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static ReplaySettings Of(ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var broker = new UriBuilder(options.Amqp) { UserName = "", Password = "" }.Uri.ToString();
        return new ReplaySettings(options.Model, options.From, options.To, options.Sample, options.Speed, options.MaxRate, options.Lead,
            options.OutcomeLag, options.OutcomeHold, options.CloudEvents, options.SkipOutcomes, broker, options.TrainingFrom, options.TrainingTo, options.BaselineFolder);
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

/// <summary>One calendar month of scheduled departures.</summary>
/// <param name="Month">e.g. <c>2001-02</c>.</param>
/// <param name="FlightsSent">Prediction requests sent for flights of the month.</param>
/// <param name="OutcomesSent">Outcomes sent for flights of the month.</param>
/// <param name="PredictionsReceived">Of those requests, how many were answered.</param>
/// <param name="LateRate">Share of the month's flights late by more than 15 minutes.</param>
/// <param name="MeanProbability">Mean predicted probability of being late, over the answered ones.</param>
/// <param name="LiveAuc">ROC AUC of the received probabilities against the true labels; null without both classes.</param>
/// <param name="BaselineAuc">The <c>--baseline</c> model's ROC AUC on the same answered flights; null without a baseline.</param>
/// <param name="Versions">Predictions received per model version that answered.</param>
/// <param name="Alerts">Alerts that arrived while the stream was in this month.</param>
public sealed record MonthResult(
    string Month,
    long FlightsSent,
    long OutcomesSent,
    long PredictionsReceived,
    double? LateRate,
    double? MeanProbability,
    double? LiveAuc,
    double? BaselineAuc,
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
