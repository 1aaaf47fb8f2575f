using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retrainer.Retraining;

/// <summary>
/// One retraining of a model: what triggered it, the data it used, how champion and challenger scored on the same
/// hold-out, and what was decided. Stored whole (<see cref="RetrainingJobStore"/>) after every change; the API shows
/// it as stored.
/// </summary>
public sealed record RetrainingJob
{
    /// <summary>Unique id.</summary>
    public required string JobId { get; init; }

    /// <summary>The model.</summary>
    public required string Model { get; init; }

    /// <summary>One of <see cref="RetrainingTriggers"/>.</summary>
    public required string Trigger { get; init; }

    /// <summary>The alert or the reason given, for people.</summary>
    public string? TriggerDetails { get; init; }

    /// <summary>Where it stands.</summary>
    public required RetrainingJobState State { get; init; }

    /// <summary><c>skipped</c>: the job that was running for the model then.</summary>
    public string? SkippedBecause { get; init; }

    /// <summary>When it was triggered.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When training began (jobs of different models wait for each other: one trains at a time).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it succeeded, failed or was skipped.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The rows it trained and evaluated on.</summary>
    public RetrainingData? Data { get; init; }

    /// <summary>The version that served the model when the job began.</summary>
    public string? ChampionVersion { get; init; }

    /// <summary>The challenger's version: the Retrainer's, registered only when it won; an external trainer's, registered by the team.</summary>
    public string? ChallengerVersion { get; init; }

    /// <summary>An external trainer's job: what it asked the team to train on, and until when it waits.</summary>
    public ExternalTraining? External { get; init; }

    /// <summary>Champion against challenger on the hold-out, and the decision.</summary>
    public RetrainingEvaluation? Evaluation { get; init; }

    /// <summary>The rollout the job started, when the challenger won.</summary>
    public string? RolloutId { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Whether it is still to finish: running, or waiting for an external trainer's version.</summary>
    [JsonIgnore]
    public bool IsRunning => State is RetrainingJobState.Running or RetrainingJobState.Waiting;
}

/// <summary>What a job of an external trainer asked for (announced as <c>RetrainingRequested</c>).</summary>
/// <param name="TrainingFrom">The training rows' start (inclusive); null: every kept row before the hold-out.</param>
/// <param name="TrainingTo">The training rows' end: the hold-out's start.</param>
/// <param name="HoldoutFrom">The hold-out's first row: its observation time …</param>
/// <param name="HoldoutFromOutcome">… and outcome id (rows are ordered by both, as the data selection orders them, so rows observed at the same moment fall on one side each).</param>
/// <param name="HoldoutTo">The hold-out's last row: its observation time …</param>
/// <param name="HoldoutToOutcome">… and outcome id.</param>
/// <param name="ExportPath">The training rows' export on the public API (<c>…/retrainings/{jobId}/training-data</c>).</param>
/// <param name="ExpiresAt">When the job stops waiting and ends as <c>expired</c>.</param>
public sealed record ExternalTraining(
    DateTimeOffset? TrainingFrom,
    DateTimeOffset TrainingTo,
    DateTimeOffset HoldoutFrom,
    Guid HoldoutFromOutcome,
    DateTimeOffset HoldoutTo,
    Guid HoldoutToOutcome,
    string ExportPath,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Whether <paramref name="row"/> comes before the hold-out (a training row, when it is in the window).</summary>
    public bool BeforeHoldout(LabelledRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.ObservedAt < HoldoutFrom || (row.ObservedAt == HoldoutFrom && row.OutcomeId.CompareTo(HoldoutFromOutcome) < 0);
    }

    /// <summary>Whether <paramref name="row"/> is in the hold-out.</summary>
    public bool InHoldout(LabelledRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return !BeforeHoldout(row) && (row.ObservedAt < HoldoutTo || (row.ObservedAt == HoldoutTo && row.OutcomeId.CompareTo(HoldoutToOutcome) <= 0));
    }
}

/// <summary>The rows a job used.</summary>
/// <param name="Policy">One of <see cref="RetrainingPolicies"/>.</param>
/// <param name="RecentFrom">The recent window's start: the newest observation minus the window.</param>
/// <param name="RecentTo">The newest observation.</param>
/// <param name="TrainingRows">Rows the challenger was trained on (the older part of the recent window, plus the earlier rows).</param>
/// <param name="HoldoutRows">Rows of the hold-out (the newest part of the recent window) both versions were scored on.</param>
/// <param name="EarlierRows">Of the training rows, those from before the window (stored rows and the champion's dataset window).</param>
/// <param name="Reporters">
/// The kept rows (labels from outcomes) the job used, per source (<see cref="LabelledRow.ReportedBy"/>): how many trained
/// the challenger and how many were held out. An uploaded dataset's or a customization's earlier rows are in
/// <paramref name="TrainingRows"/> and <paramref name="EarlierRows"/> only. Null in jobs stored before it was kept.
/// </param>
public sealed record RetrainingData(
    string Policy,
    DateTimeOffset RecentFrom,
    DateTimeOffset RecentTo,
    int TrainingRows,
    int HoldoutRows,
    int EarlierRows,
    IReadOnlyList<ReporterRows>? Reporters = null);

/// <summary>The kept rows of one source a job used.</summary>
/// <param name="ReportedBy">The source, as on the rows (<c>key:&lt;key id&gt;</c>, <c>broker:&lt;user&gt;</c>, …); null (left out of the JSON) for rows whose source is not known.</param>
/// <param name="TrainingRows">Its rows the challenger was trained on.</param>
/// <param name="HoldoutRows">Its rows in the hold-out.</param>
public sealed record ReporterRows(string? ReportedBy, int TrainingRows, int HoldoutRows);

/// <summary>Champion and challenger on the same hold-out, and the decision with its reason.</summary>
/// <param name="Metric">The deciding metric, one of <see cref="EvaluationMetrics"/>: the name of the number in <paramref name="Champion"/> and <paramref name="Challenger"/> it compares.</param>
/// <param name="Champion">The champion's numbers.</param>
/// <param name="Challenger">The challenger's numbers.</param>
/// <param name="Margin">How much better than the champion's the challenger's metric had to be (in the metric's units; negative: how much worse it could be).</param>
/// <param name="Decision">One of <see cref="RetrainingDecisions"/>.</param>
/// <param name="Reason">The comparison in words, with the numbers.</param>
/// <param name="Task">The model's task: <c>binary</c>, <c>multiclass</c> or <c>regression</c> (null in jobs stored before it was kept: <c>binary</c>).</param>
/// <param name="Better">Which way the metric is better: <c>higher</c> or <c>lower</c> (null in jobs stored before it was kept: <c>higher</c>).</param>
public sealed record RetrainingEvaluation(
    string Metric,
    EvaluatedVersion Champion,
    EvaluatedVersion Challenger,
    double Margin,
    string Decision,
    string Reason,
    string? Task = null,
    string? Better = null);

/// <summary>One version's numbers on the hold-out, those of the model's task; the others are null.</summary>
/// <param name="Version">The version (the challenger's intended version when it was not registered).</param>
/// <param name="Auc">Binary: area under the ROC curve; null when the hold-out holds one class only.</param>
/// <param name="Accuracy">Binary (at the card's threshold) and multiclass (the most probable label): share of right predictions.</param>
/// <param name="LogLoss">Binary and multiclass: mean log loss (natural log).</param>
/// <param name="Rows">Hold-out rows scored.</param>
/// <param name="MacroF1">Multiclass: the mean of the labels' F1 scores.</param>
/// <param name="Rmse">Regression: root mean squared error.</param>
/// <param name="Mae">Regression: mean absolute error.</param>
/// <param name="RSquared">Regression: the coefficient of determination; null when the true values do not vary.</param>
public sealed record EvaluatedVersion(
    string Version,
    double? Auc,
    double? Accuracy,
    double? LogLoss,
    long Rows,
    double? MacroF1 = null,
    double? Rmse = null,
    double? Mae = null,
    double? RSquared = null);

/// <summary>What starts a retraining.</summary>
public static class RetrainingTriggers
{
    /// <summary>A <c>DriftDetected</c> alert.</summary>
    public const string Drift = "drift";

    /// <summary>A <c>PerformanceDegraded</c> alert.</summary>
    public const string Performance = "performance";

    /// <summary>The model's schedule.</summary>
    public const string Schedule = "schedule";

    /// <summary>A person, through the API.</summary>
    public const string Manual = "manual";
}

/// <summary>The states of a <see cref="RetrainingJob"/>; in JSON <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>skipped</c>, <c>waiting</c>, <c>expired</c>.</summary>
public enum RetrainingJobState
{
    /// <summary>Waiting for the trainer or training, or evaluating; at most one running or waiting job per model.</summary>
    Running,

    /// <summary>Evaluated; the decision says whether the challenger was rolled out.</summary>
    Succeeded,

    /// <summary>Ended without a decision (too few rows, no trainer, …) or the winner's rollout did not start; <see cref="RetrainingJob.Error"/> says why.</summary>
    Failed,

    /// <summary>Triggered while another job of the model was running: recorded, not started.</summary>
    Skipped,

    /// <summary>An external trainer's job: announced, waiting for the team's version (<see cref="RetrainingJob.External"/>).</summary>
    Waiting,

    /// <summary>An external trainer's job whose version did not come in time; <see cref="RetrainingJob.Error"/> says so.</summary>
    Expired,
}

/// <summary>The names of <see cref="RetrainingJobState"/> at the API's edge.</summary>
public static class RetrainingJobStateNames
{
    /// <summary>The state's name: <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>skipped</c>, <c>waiting</c> or <c>expired</c>.</summary>
    public static string Name(this RetrainingJobState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());
}

/// <summary>The decisions of an evaluation.</summary>
public static class RetrainingDecisions
{
    /// <summary>The challenger beat the champion by the margin: registered and its rollout started.</summary>
    public const string RolledOut = "rolled-out";

    /// <summary>The challenger beat the champion by the margin and was registered, but its rollout did not start (the job failed).</summary>
    public const string Registered = "registered";

    /// <summary>The challenger did not beat the champion by the margin: nothing registered (an external trainer's version stays registered, not rolled out).</summary>
    public const string Rejected = "rejected";
}
