using ServiceDefaults;

namespace Retrainer.Rollouts;

/// <summary>How rollouts run. Section <c>Rollouts</c>.</summary>
public sealed class RolloutOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Rollouts";

    /// <summary>The canary's shares when a rollout names none, the last being 1. Env: <c>Rollouts__CanarySteps__0</c>, <c>__1</c>, ….</summary>
    public List<double> CanarySteps { get; set; } = [];

    /// <summary>The challenger's share of entity keys in an A/B test when the rollout names none. Env: <c>Rollouts__ABShare</c>.</summary>
    public double ABShare { get; set; } = 0.5;

    /// <summary>The share of requests the challenger also scores in a shadow rollout when none is named. Env: <c>Rollouts__ShadowShare</c>.</summary>
    public double ShadowShare { get; set; } = 1;

    /// <summary>A canary step is held until the challenger answered at least this many requests. Env: <c>Rollouts__MinRequests</c>.</summary>
    public long MinRequests { get; set; } = 500;

    /// <summary>… and at least this long. Env: <c>Rollouts__MinDuration</c>.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Live model metrics are compared once each version has this many outcomes; a bandit decides once both arms have this many together. Env: <c>Rollouts__MinOutcomes</c>.</summary>
    public long MinOutcomes { get; set; } = 200;

    /// <summary>The challenger fails a step when its error rate is more than this above the champion's. Env: <c>Rollouts__MaxErrorRateIncrease</c>.</summary>
    public double MaxErrorRateIncrease { get; set; } = 0.01;

    /// <summary>… or its p95 latency is more than this many times the champion's plus <see cref="LatencySlack"/>. Env: <c>Rollouts__MaxLatencyRatio</c>.</summary>
    public double MaxLatencyRatio { get; set; } = 1.5;

    /// <summary>
    /// Latency the challenger may add beyond <see cref="MaxLatencyRatio"/>: at a few milliseconds the latency buckets are
    /// coarse and one pause moves a p95. Env: <c>Rollouts__LatencySlack</c>.
    /// </summary>
    public TimeSpan LatencySlack { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// … or its live AUC (binary) or accuracy (multiclass, or binary when AUC cannot be computed) is more than this below
    /// the champion's, or its live RMSE (regression) more than this share above the champion's. Env: <c>Rollouts__MaxMetricDrop</c>.
    /// </summary>
    public double MaxMetricDrop { get; set; } = 0.01;

    /// <summary>How often running rollouts are analysed and the bandit's arms broadcast. Env: <c>Rollouts__EvaluationInterval</c>.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A bandit promotes the challenger when the probability that it is the better arm reaches this (and rolls back at 1 minus it). Env: <c>Rollouts__BanditDecideAt</c>.</summary>
    public double BanditDecideAt { get; set; } = 0.95;

    /// <summary>The canary steps used: <see cref="CanarySteps"/>, or 5 → 25 → 50 → 100% when none are configured.</summary>
    public IReadOnlyList<double> EffectiveCanarySteps => CanarySteps.Count > 0 ? CanarySteps : [0.05, 0.25, 0.5, 1];

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        var errors = new List<string>();
        if (CanarySteps.Count > 0 && StepsProblem(CanarySteps) is { } problem)
            errors.Add($"{SectionName}:CanarySteps {problem}");
        if (!(ABShare is > 0 and < 1))
            errors.Add($"{SectionName}:ABShare must be between 0 and 1 (exclusive), not {ABShare}.");
        if (!(ShadowShare is > 0 and <= 1))
            errors.Add($"{SectionName}:ShadowShare must be in (0, 1], not {ShadowShare}.");
        if (MinRequests < 0 || MinOutcomes < 0)
            errors.Add($"{SectionName}:MinRequests and MinOutcomes must not be negative.");
        if (MinDuration < TimeSpan.Zero)
            errors.Add($"{SectionName}:MinDuration must not be negative.");
        if (LatencySlack < TimeSpan.Zero)
            errors.Add($"{SectionName}:LatencySlack must not be negative.");
        if (EvaluationInterval <= TimeSpan.Zero)
            errors.Add($"{SectionName}:EvaluationInterval must be positive.");
        if (!(MaxErrorRateIncrease >= 0) || !(MaxLatencyRatio >= 1) || !(MaxMetricDrop >= 0))
            errors.Add($"{SectionName}:MaxErrorRateIncrease and MaxMetricDrop must be at least 0, MaxLatencyRatio at least 1.");
        if (!(BanditDecideAt is > 0.5 and < 1))
            errors.Add($"{SectionName}:BanditDecideAt must be between 0.5 and 1 (exclusive), not {BanditDecideAt}.");
        return errors;
    }

    /// <summary>What is wrong with canary steps, or null: increasing shares in (0, 1], the last being 1.</summary>
    public static string? StepsProblem(IReadOnlyList<double> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
            return "must name at least one share.";
        for (var i = 0; i < steps.Count; i++)
        {
            if (!(steps[i] is > 0 and <= 1) || (i > 0 && steps[i] <= steps[i - 1]))
                return "must be increasing shares in (0, 1].";
        }

        return steps[^1] == 1 ? null : "must end at 1 (all traffic).";
    }
}
