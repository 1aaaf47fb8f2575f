using Modeling.Cards;

namespace Retrainer.Retraining;

/// <summary>
/// The metrics champion and challenger can be compared on, by task, and which way is better. Each is named as the
/// number of <see cref="EvaluatedVersion"/> (and of the job's JSON) that holds it.
/// </summary>
public static class EvaluationMetrics
{
    /// <summary>Binary: area under the ROC curve; higher is better; the binary default.</summary>
    public const string Auc = "auc";

    /// <summary>Binary and multiclass: mean log loss (natural log); lower is better; the multiclass default.</summary>
    public const string LogLoss = "logLoss";

    /// <summary>Multiclass: the mean of the labels' F1 scores; higher is better.</summary>
    public const string MacroF1 = "macroF1";

    /// <summary>Regression: root mean squared error; lower is better; the regression default.</summary>
    public const string Rmse = "rmse";

    /// <summary>Regression: mean absolute error; lower is better.</summary>
    public const string Mae = "mae";

    /// <summary>Every metric.</summary>
    public static readonly IReadOnlyList<string> All = [Auc, LogLoss, MacroF1, Rmse, Mae];

    /// <summary>The metrics a model of <paramref name="task"/> can be compared on, its default first.</summary>
    public static IReadOnlyList<string> Of(ModelTask task) => task switch
    {
        ModelTask.Binary => [Auc, LogLoss],
        ModelTask.Multiclass => [LogLoss, MacroF1],
        ModelTask.Regression => [Rmse, Mae],
        _ => [],
    };

    /// <summary>Whether a higher value of <paramref name="metric"/> is better (AUC, macro-F1) or a lower one (log loss, RMSE, MAE).</summary>
    public static bool HigherIsBetter(string metric) => metric is Auc or MacroF1;

    /// <summary>Whether <paramref name="metric"/> is a share between 0 and 1 (AUC, macro-F1), so a margin on it is too.</summary>
    public static bool IsShare(string metric) => metric is Auc or MacroF1;

    /// <summary>The metric's value in <paramref name="version"/>'s numbers; null when it could not be computed.</summary>
    public static double? ValueOf(EvaluatedVersion version, string metric)
    {
        ArgumentNullException.ThrowIfNull(version);
        return metric switch
        {
            Auc => version.Auc,
            LogLoss => version.LogLoss,
            MacroF1 => version.MacroF1,
            Rmse => version.Rmse,
            Mae => version.Mae,
            _ => throw new ArgumentException($"'{metric}' is not one of {string.Join(", ", All)}", nameof(metric)),
        };
    }

    /// <summary>The metric's name in words: AUC, log loss, macro-F1, RMSE, MAE.</summary>
    public static string Words(string metric) => metric switch
    {
        Auc => "AUC",
        LogLoss => "log loss",
        MacroF1 => "macro-F1",
        Rmse => "RMSE",
        Mae => "MAE",
        _ => metric,
    };
}
