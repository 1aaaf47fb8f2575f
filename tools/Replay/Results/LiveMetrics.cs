using Modeling.Cards;
using Modeling.Statistics;

namespace Replay.Results;

/// <summary>
/// The metrics of a set of predictions against their truths, by the model's task: binary ROC AUC; multiclass accuracy
/// and macro-F1; regression RMSE and MAE. A metric that does not fit the task is null, as is one the rows cannot give
/// (AUC without both classes, anything without rows).
/// </summary>
/// <param name="Rows">Predictions with a truth, judged.</param>
/// <param name="Auc">Binary: ROC AUC of the probabilities (exact, ties counted half).</param>
/// <param name="Accuracy">Multiclass: share of predicted labels that were right.</param>
/// <param name="MacroF1">Multiclass: the mean F1 over the labels that were true or predicted.</param>
/// <param name="Rmse">Regression: root mean squared error.</param>
/// <param name="Mae">Regression: mean absolute error.</param>
public sealed record LiveMetrics(long Rows, double? Auc, double? Accuracy, double? MacroF1, double? Rmse, double? Mae)
{
    /// <summary>No rows judged.</summary>
    public static readonly LiveMetrics None = new(0, null, null, null, null, null);

    /// <summary>
    /// The metrics of <paramref name="rows"/> (truth and prediction as <see cref="ReplayTarget"/> keeps them) for
    /// <paramref name="task"/> with <paramref name="labels"/>; rows without a truth or a prediction (NaN) are left out.
    /// </summary>
    public static LiveMetrics Of(ModelTask task, IReadOnlyList<string> labels, IEnumerable<(float Truth, float Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        var judged = rows.Where(row => !float.IsNaN(row.Truth) && !float.IsNaN(row.Predicted)).ToList();
        if (judged.Count == 0)
            return None;
        switch (task)
        {
            case ModelTask.Binary:
                return None with { Rows = judged.Count, Auc = RocAuc.Of([.. judged.Select(row => row.Predicted)], [.. judged.Select(row => row.Truth >= 0.5f)]) };
            case ModelTask.Multiclass:
                // A predicted label the card does not have (−1) is counted wrong, as an extra class no truth has.
                var classes = labels.Count;
                var confusion = new MulticlassConfusion(classes + 1);
                foreach (var (truth, predicted) in judged)
                    confusion.Add((int)truth, predicted >= 0 && predicted < classes ? (int)predicted : classes, truthProbability: 1);
                var metrics = confusion.Metrics([.. labels, "<other>"]);
                return None with { Rows = judged.Count, Accuracy = metrics.Accuracy, MacroF1 = metrics.MacroF1 };
            default:
                var errors = new RegressionErrors();
                foreach (var (truth, predicted) in judged)
                    errors.Add(truth, predicted);
                var regression = errors.Metrics();
                return None with { Rows = judged.Count, Rmse = regression.Rmse, Mae = regression.Mae };
        }
    }
}
