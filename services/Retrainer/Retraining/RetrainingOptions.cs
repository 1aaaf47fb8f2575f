using Contracts.Rollouts;
using ServiceDefaults;
using ServiceDefaults.Webhooks;

namespace Retrainer.Retraining;

/// <summary>
/// How the Retrainer retrains models. Section <c>Retraining</c>; the settings apply to every model, and
/// <see cref="Models"/> overrides them per model (<c>Retraining__Models__flight-delay__Policy</c>, …).
/// </summary>
public sealed class RetrainingOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Retraining";

    /// <summary>Whether alerts and the schedule start trainings (the manual <c>POST</c> always does). Env: <c>Retraining__Enabled</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether <c>DriftDetected</c> starts a training. Env: <c>Retraining__OnDrift</c>.</summary>
    public bool OnDrift { get; set; } = true;

    /// <summary>Whether <c>PerformanceDegraded</c> starts a training. Env: <c>Retraining__OnPerformance</c>.</summary>
    public bool OnPerformance { get; set; } = true;

    /// <summary>Trains every model this often (wall-clock time); off when unset. Env: <c>Retraining__ScheduleInterval</c>.</summary>
    public TimeSpan? ScheduleInterval { get; set; }

    /// <summary><c>recent</c> (the recent window only) or <c>recent-plus-earlier</c> (plus earlier rows). Env: <c>Retraining__Policy</c>.</summary>
    public string Policy { get; set; } = RetrainingPolicies.Recent;

    /// <summary>
    /// The recent window, measured back from the newest labelled row's observation time (not the wall clock: a replay
    /// runs far faster than real time). Env: <c>Retraining__RecentWindow</c>.
    /// </summary>
    public TimeSpan RecentWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A training needs at least this many labelled rows in the recent window. Env: <c>Retraining__MinRows</c>.</summary>
    public int MinRows { get; set; } = 1_000;

    /// <summary>The newest share of the recent window, held out to compare champion and challenger. Env: <c>Retraining__HoldoutShare</c>.</summary>
    public double HoldoutShare { get; set; } = 0.2;

    /// <summary>
    /// The metric champion and challenger are compared on (<see cref="EvaluationMetrics"/>): <c>auc</c> or <c>logLoss</c>
    /// (binary), <c>logLoss</c> or <c>macroF1</c> (multiclass), <c>rmse</c> or <c>mae</c> (regression); unset: the
    /// task's first (<c>auc</c>, <c>logLoss</c>, <c>rmse</c>). Usually set per model. Env: <c>Retraining__Metric</c>.
    /// </summary>
    public string? Metric { get; set; }

    /// <summary>
    /// The challenger is rolled out only when its hold-out metric is better than the champion's by at least this, in
    /// the metric's units (AUC ≥ champion's + margin; RMSE ≤ champion's − margin). Env: <c>Retraining__Margin</c>.
    /// </summary>
    public double Margin { get; set; } = 0.005;

    /// <summary>How a challenger that won is rolled out: <c>single</c>, <c>shadow</c>, <c>ab</c>, <c>canary</c> or <c>bandit</c>. Env: <c>Retraining__RolloutStrategy</c>.</summary>
    public string RolloutStrategy { get; set; } = RolloutStrategies.Canary;

    /// <summary>
    /// Who trains the challenger: <c>platform</c> (the Retrainer, from the champion's card) or <c>external</c> (the job
    /// announces <c>retraining.requested.&lt;model&gt;</c> and waits for the team's version). Usually set per model. Env: <c>Retraining__Trainer</c>.
    /// </summary>
    public string Trainer { get; set; } = RetrainingTrainers.Platform;

    /// <summary>How long a job of an external trainer waits for the team's version before it ends as <c>expired</c>. Env: <c>Retraining__ExternalTimeout</c>.</summary>
    public TimeSpan ExternalTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Where retraining requests of external trainers are also POSTed as JSON. Env: <c>Retraining__Webhooks__0</c>, …; default none.</summary>
    public IList<Uri> Webhooks { get; set; } = [];

    /// <summary>At most this many rows of the recent window are used (the newest). Env: <c>Retraining__MaxRecentRows</c>.</summary>
    public int MaxRecentRows { get; set; } = 200_000;

    /// <summary>
    /// <c>recent-plus-earlier</c>: at most this many stored rows older than the window (the newest of them), and as many
    /// from the model's uploaded training dataset or else the dataset its customization reads (<see cref="IRetrainingCustomization"/>).
    /// Env: <c>Retraining__MaxEarlierRows</c>.
    /// </summary>
    public int MaxEarlierRows { get; set; } = 100_000;

    /// <summary>Labelled rows kept per model; the oldest (by observation time) beyond it are deleted. Env: <c>Retraining__MaxRowsPerModel</c>.</summary>
    public int MaxRowsPerModel { get; set; } = 500_000;

    /// <summary>Labelled rows are deleted this long after they were stored (wall-clock time). Env: <c>Retraining__RowRetention</c>.</summary>
    public TimeSpan RowRetention { get; set; } = TimeSpan.FromDays(90);

    // The challenger's hyperparameters: unset, each is the champion's (its card's lineage.hyperparameters), so a model is
    // retrained as it was trained; the trainer's defaults when the card does not say.

    /// <summary>Boosted trees of a challenger; unset: the champion's. Env: <c>Retraining__Trees</c>.</summary>
    public int? Trees { get; set; }

    /// <summary>Leaves per tree; unset: the champion's. Env: <c>Retraining__Leaves</c>.</summary>
    public int? Leaves { get; set; }

    /// <summary>Fewest training rows in a leaf; unset: the champion's. Env: <c>Retraining__MinimumRowsPerLeaf</c>.</summary>
    public int? MinimumRowsPerLeaf { get; set; }

    /// <summary>Per-model overrides of the settings above, by model name (<c>Retraining__Models__&lt;model&gt;__&lt;Setting&gt;</c>).</summary>
    public Dictionary<string, ModelRetrainingSettings> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The settings of <paramref name="model"/>: its overrides over the shared ones.</summary>
    public RetrainingPolicy For(string model)
    {
        var own = Models.GetValueOrDefault(model);
        return new RetrainingPolicy(
            own?.Enabled ?? Enabled,
            own?.OnDrift ?? OnDrift,
            own?.OnPerformance ?? OnPerformance,
            own?.ScheduleInterval ?? ScheduleInterval,
            own?.Policy ?? Policy,
            own?.RecentWindow ?? RecentWindow,
            own?.MinRows ?? MinRows,
            own?.HoldoutShare ?? HoldoutShare,
            own?.Margin ?? Margin,
            own?.RolloutStrategy ?? RolloutStrategy,
            own?.Metric ?? Metric,
            own?.Trainer ?? Trainer,
            own?.ExternalTimeout ?? ExternalTimeout,
            own?.Trees ?? Trees,
            own?.Leaves ?? Leaves,
            own?.MinimumRowsPerLeaf ?? MinimumRowsPerLeaf);
    }

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        var errors = new List<string>();
        ValidatePolicy(SectionName, For(string.Empty), errors);
        foreach (var (model, _) in Models)
            ValidatePolicy($"{SectionName}:Models:{model}", For(model), errors);
        if (MaxRecentRows < 1 || MaxEarlierRows < 1 || MaxRowsPerModel < 1)
            errors.Add($"{SectionName}:MaxRecentRows, MaxEarlierRows and MaxRowsPerModel must be positive.");
        if (RowRetention <= TimeSpan.Zero)
            errors.Add($"{SectionName}:RowRetention must be positive.");
        if (WebhookDeliveryExtensions.Problem($"{SectionName}:Webhooks", Webhooks) is { } webhooks)
            errors.Add(webhooks);
        return errors;
    }

    private static void ValidatePolicy(string prefix, RetrainingPolicy policy, List<string> errors)
    {
        if (!RetrainingPolicies.All.Contains(policy.Policy))
            errors.Add($"{prefix}:Policy must be one of {string.Join(", ", RetrainingPolicies.All)}, not '{policy.Policy}'.");
        if (policy.RecentWindow <= TimeSpan.Zero)
            errors.Add($"{prefix}:RecentWindow must be positive.");
        if (policy.MinRows < 10)
            errors.Add($"{prefix}:MinRows must be at least 10.");
        if (!(policy.HoldoutShare is > 0 and < 1))
            errors.Add($"{prefix}:HoldoutShare must be between 0 and 1 (exclusive), not {policy.HoldoutShare}.");
        if (policy.Metric is { } metric && !EvaluationMetrics.All.Contains(metric))
            errors.Add($"{prefix}:Metric must be one of {string.Join(", ", EvaluationMetrics.All)}, not '{metric}'.");
        if (!double.IsFinite(policy.Margin))
            errors.Add($"{prefix}:Margin must be a number, not {policy.Margin}.");
        else if (policy.Metric is { } share && EvaluationMetrics.IsShare(share) && !(policy.Margin is >= -1 and <= 1))
            errors.Add($"{prefix}:Margin must be between -1 and 1 for {share}, not {policy.Margin}.");
        if (!RolloutStrategies.All.Contains(policy.RolloutStrategy))
            errors.Add($"{prefix}:RolloutStrategy must be one of {string.Join(", ", RolloutStrategies.All)}, not '{policy.RolloutStrategy}'.");
        if (policy.ScheduleInterval is { } interval && interval <= TimeSpan.Zero)
            errors.Add($"{prefix}:ScheduleInterval must be positive when set.");
        if (!RetrainingTrainers.All.Contains(policy.Trainer))
            errors.Add($"{prefix}:Trainer must be one of {string.Join(", ", RetrainingTrainers.All)}, not '{policy.Trainer}'.");
        if (policy.ExternalTimeout <= TimeSpan.Zero)
            errors.Add($"{prefix}:ExternalTimeout must be positive.");
        if (policy.Trees < 1 || policy.Leaves < 2 || policy.MinimumRowsPerLeaf < 1) // null (unset) passes
            errors.Add($"{prefix}:Trees and MinimumRowsPerLeaf must be positive, Leaves at least 2.");
    }
}

/// <summary>One model's overrides of <see cref="RetrainingOptions"/>; an unset setting is the shared one.</summary>
public sealed class ModelRetrainingSettings
{
    /// <summary>Overrides <see cref="RetrainingOptions.Enabled"/>.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.OnDrift"/>.</summary>
    public bool? OnDrift { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.OnPerformance"/>.</summary>
    public bool? OnPerformance { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.ScheduleInterval"/>.</summary>
    public TimeSpan? ScheduleInterval { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Policy"/>.</summary>
    public string? Policy { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.RecentWindow"/>.</summary>
    public TimeSpan? RecentWindow { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.MinRows"/>.</summary>
    public int? MinRows { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.HoldoutShare"/>.</summary>
    public double? HoldoutShare { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Metric"/>.</summary>
    public string? Metric { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Margin"/>.</summary>
    public double? Margin { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.RolloutStrategy"/>.</summary>
    public string? RolloutStrategy { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Trainer"/>.</summary>
    public string? Trainer { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.ExternalTimeout"/>.</summary>
    public TimeSpan? ExternalTimeout { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Trees"/>.</summary>
    public int? Trees { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.Leaves"/>.</summary>
    public int? Leaves { get; set; }

    /// <summary>Overrides <see cref="RetrainingOptions.MinimumRowsPerLeaf"/>.</summary>
    public int? MinimumRowsPerLeaf { get; set; }
}

/// <summary>The retraining settings in force for one model.</summary>
/// <param name="Enabled">Whether alerts and the schedule start trainings.</param>
/// <param name="OnDrift">Whether drift alerts do.</param>
/// <param name="OnPerformance">Whether performance alerts do.</param>
/// <param name="ScheduleInterval">How often the schedule does, or null.</param>
/// <param name="Policy">One of <see cref="RetrainingPolicies"/>.</param>
/// <param name="RecentWindow">The recent window back from the newest observation.</param>
/// <param name="MinRows">Fewest rows in the recent window.</param>
/// <param name="HoldoutShare">The newest share of the recent window held out.</param>
/// <param name="Margin">How much better the challenger's metric must be, in the metric's units.</param>
/// <param name="RolloutStrategy">How a winner is rolled out.</param>
/// <param name="Metric">The deciding metric (<see cref="EvaluationMetrics"/>); null: the task's default.</param>
/// <param name="Trainer">One of <see cref="RetrainingTrainers"/>.</param>
/// <param name="ExternalTimeout">How long an external trainer's job waits for its version.</param>
/// <param name="Trees">The challenger's trees; null: the champion's (its card's lineage), else the trainer's default.</param>
/// <param name="Leaves">Leaves per tree; null as for <paramref name="Trees"/>.</param>
/// <param name="MinimumRowsPerLeaf">Fewest rows in a leaf; null as for <paramref name="Trees"/>.</param>
public sealed record RetrainingPolicy(
    bool Enabled,
    bool OnDrift,
    bool OnPerformance,
    TimeSpan? ScheduleInterval,
    string Policy,
    TimeSpan RecentWindow,
    int MinRows,
    double HoldoutShare,
    double Margin,
    string RolloutStrategy,
    string? Metric = null,
    string Trainer = RetrainingTrainers.Platform,
    TimeSpan ExternalTimeout = default,
    int? Trees = null,
    int? Leaves = null,
    int? MinimumRowsPerLeaf = null);

/// <summary>Who trains a model's challengers.</summary>
public static class RetrainingTrainers
{
    /// <summary>The Retrainer, from the champion's card.</summary>
    public const string Platform = "platform";

    /// <summary>The model's team, wherever it likes: the job announces what to train on and waits for the version.</summary>
    public const string External = "external";

    /// <summary>Both.</summary>
    public static readonly IReadOnlyList<string> All = [Platform, External];
}

/// <summary>The data policies.</summary>
public static class RetrainingPolicies
{
    /// <summary>Train on the recent window only.</summary>
    public const string Recent = "recent";

    /// <summary>Train on the recent window plus earlier data (stored rows before the window, the champion's dataset window).</summary>
    public const string RecentPlusEarlier = "recent-plus-earlier";

    /// <summary>Both.</summary>
    public static readonly IReadOnlyList<string> All = [Recent, RecentPlusEarlier];
}
