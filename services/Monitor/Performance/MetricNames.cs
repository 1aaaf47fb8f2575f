using Modeling.Cards;

namespace Monitor.Performance;

/// <summary>
/// The performance metrics a rule can name (<c>Monitoring:Rules:N:Metric</c>), per task: a rule judges a model version
/// only with a metric of its task. <c>estimated-…</c> metrics come from the probabilities of the predictions, the others
/// from outcomes.
/// </summary>
public static class MetricNames
{
    /// <summary>Binary models.</summary>
    public static readonly IReadOnlyList<string> Binary =
        ["auc", "accuracy", "precision", "recall", "log-loss", "brier", "estimated-auc", "estimated-accuracy", "estimated-precision", "estimated-recall"];

    /// <summary>Multiclass models.</summary>
    public static readonly IReadOnlyList<string> Multiclass = ["accuracy", "macro-f1", "log-loss", "estimated-accuracy"];

    /// <summary>Regression models.</summary>
    public static readonly IReadOnlyList<string> Regression = ["mae", "rmse", "r-squared"];

    /// <summary>Every metric of any task, in that order.</summary>
    public static readonly IReadOnlyList<string> All = [.. Binary.Concat(Multiclass).Concat(Regression).Distinct()];

    /// <summary>The prefix of the metrics estimated without outcomes.</summary>
    public const string EstimatedPrefix = "estimated-";

    /// <summary>The metrics of <paramref name="task"/>.</summary>
    public static IReadOnlyList<string> Of(ModelTask task) => task switch
    {
        ModelTask.Binary => Binary,
        ModelTask.Multiclass => Multiclass,
        ModelTask.Regression => Regression,
        _ => [],
    };

    /// <summary>Whether <paramref name="metric"/> is measured for models of <paramref name="task"/>.</summary>
    public static bool Fits(ModelTask task, string metric) => Of(task).Contains(metric);

    /// <summary>Whether larger values of the metric are worse (the errors and losses).</summary>
    public static bool LowerIsBetter(string metric) => metric is "log-loss" or "brier" or "mae" or "rmse";

    /// <summary>Whether the metric is estimated from probabilities (judged on predictions) rather than measured on outcomes.</summary>
    public static bool IsEstimated(string metric) => metric.StartsWith(EstimatedPrefix, StringComparison.Ordinal);
}
