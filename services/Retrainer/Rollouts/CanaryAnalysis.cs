using System.Globalization;

namespace Retrainer.Rollouts;

/// <summary>
/// The verdict on a canary step: the challenger against the champion over the same period, on error rate, p95
/// latency, and (once both have enough outcomes) the live model metric of the task: AUC for a binary model (accuracy
/// when AUC cannot be computed), accuracy for a multiclass one, RMSE for a regression.
/// </summary>
public static class CanaryAnalysis
{
    /// <summary>Whether the challenger passes; the reason names the numbers either way.</summary>
    public static (bool Passed, string Reason) Judge(VersionLive champion, VersionLive challenger, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var facts = new List<string>();

        var championErrors = champion.ErrorRate ?? 0;
        var challengerErrors = challenger.ErrorRate ?? 0;
        facts.Add(Invariant($"error rate {challengerErrors:0.000} vs {championErrors:0.000}"));
        if (challengerErrors > championErrors + options.MaxErrorRateIncrease)
            failures.Add(Invariant($"error rate {challengerErrors:0.000} is more than {options.MaxErrorRateIncrease:0.000} above the champion's {championErrors:0.000}"));

        if (challenger.LatencyP95Ms is { } challengerP95 && champion.LatencyP95Ms is { } championP95)
        {
            facts.Add(Invariant($"p95 {challengerP95:0.#} ms vs {championP95:0.#} ms"));
            if (challengerP95 > (championP95 * options.MaxLatencyRatio) + options.LatencySlack.TotalMilliseconds)
                failures.Add(Invariant($"p95 latency {challengerP95:0.#} ms is more than {options.MaxLatencyRatio:0.##}× the champion's {championP95:0.#} ms + {options.LatencySlack.TotalMilliseconds:0.#} ms"));
        }

        if (ModelMetricsCompared(champion, challenger, options))
        {
            if (challenger.Auc is { } challengerAuc && champion.Auc is { } championAuc)
            {
                facts.Add(Invariant($"live AUC {challengerAuc:0.0000} vs {championAuc:0.0000} ({challenger.Outcomes} vs {champion.Outcomes} outcomes)"));
                if (challengerAuc < championAuc - options.MaxMetricDrop)
                    failures.Add(Invariant($"live AUC {challengerAuc:0.0000} is more than {options.MaxMetricDrop:0.####} below the champion's {championAuc:0.0000}"));
            }
            else if (challenger.Accuracy is { } challengerAccuracy && champion.Accuracy is { } championAccuracy)
            {
                facts.Add(Invariant($"live accuracy {challengerAccuracy:0.0000} vs {championAccuracy:0.0000}"));
                if (challengerAccuracy < championAccuracy - options.MaxMetricDrop)
                    failures.Add(Invariant($"live accuracy {challengerAccuracy:0.0000} is more than {options.MaxMetricDrop:0.####} below the champion's {championAccuracy:0.0000}"));
            }
            else if (challenger.Rmse is { } challengerRmse && champion.Rmse is { } championRmse)
            {
                // An error is in the label's units: the tolerance is relative.
                facts.Add(Invariant($"live RMSE {challengerRmse:0.####} vs {championRmse:0.####} ({challenger.Outcomes} vs {champion.Outcomes} outcomes)"));
                if (challengerRmse > championRmse * (1 + options.MaxMetricDrop))
                    failures.Add(Invariant($"live RMSE {challengerRmse:0.####} is more than {options.MaxMetricDrop:P1} above the champion's {championRmse:0.####}"));
            }
        }
        else
        {
            facts.Add(Invariant($"outcomes {challenger.Outcomes} vs {champion.Outcomes} (model metrics compared from {options.MinOutcomes} each)"));
        }

        return failures.Count > 0
            ? (false, "failed: " + string.Join("; ", failures))
            : (true, "passed: " + string.Join(", ", facts));
    }

    /// <summary>
    /// Whether both versions have the outcomes their live model metrics are compared on, <see cref="RolloutOptions.MinOutcomes"/>
    /// each (always true when it is 0: a model without feedback is judged on what outcomes there are, if any).
    /// </summary>
    public static bool ModelMetricsCompared(VersionLive champion, VersionLive challenger, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(options);
        return champion.Outcomes >= options.MinOutcomes && challenger.Outcomes >= options.MinOutcomes;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
