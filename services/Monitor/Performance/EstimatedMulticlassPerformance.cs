using Monitor.Windows;

namespace Monitor.Performance;

/// <summary>
/// Multiclass: accuracy estimated without labels (confidence-based performance estimation for several classes). If the
/// model is calibrated, a prediction whose label has probability p is right with probability p, so the expected accuracy
/// of a window is the mean of the predicted label's probability. Only as good as the calibration (the realized
/// calibration shows it once outcomes arrive); compared, in the rules, with the same mean on the reference rows.
/// </summary>
/// <param name="Rows">Predictions with the predicted label's probability.</param>
/// <param name="Accuracy">The mean of the predicted label's probability.</param>
public sealed record EstimatedMulticlassPerformance(long Rows, double? Accuracy) : IWindowPerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric == "accuracy" ? Accuracy : null;

    /// <summary>The estimate over the predictions in <paramref name="predictions"/> (their probabilities are the predicted label's); null without probabilities.</summary>
    public static EstimatedMulticlassPerformance? Of(PredictionAggregate predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var rows = predictions.ProbabilityCounts.Sum();
        return rows == 0 ? null : new EstimatedMulticlassPerformance(rows, predictions.ProbabilitySums.Sum() / rows);
    }
}
