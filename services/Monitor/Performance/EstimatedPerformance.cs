using Monitor.Windows;

namespace Monitor.Performance;

/// <summary>
/// Binary: performance estimated without labels from the model's probabilities (confidence-based performance
/// estimation, as NannyML's CBPE): if the probabilities are calibrated, a prediction with probability p is
/// positive with probability p, so the expected confusion counts at the threshold are TP = Σ p and FP = Σ (1 − p)
/// over predicted positives, FN = Σ p and TN = Σ (1 − p) over predicted negatives, and the expected ROC AUC is
/// the AUC of the probability bins weighted by p (positives) and 1 − p (negatives). It is only as good as the
/// calibration: shown beside the realized metrics, a gap between them means the calibration no longer holds.
/// </summary>
public sealed record EstimatedPerformance(long Rows, double? Accuracy, double? Precision, double? Recall, double? Auc) : IWindowPerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "auc" => Auc,
        "accuracy" => Accuracy,
        "precision" => Precision,
        "recall" => Recall,
        _ => null,
    };

    /// <summary>The estimate over the predictions in <paramref name="predictions"/>; null without probabilities.</summary>
    /// <param name="predictions">The predictions (their split at the card's threshold was counted as they were added).</param>
    public static EstimatedPerformance? Of(PredictionAggregate predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var positives = new double[ProbabilityBins.Count];
        var negatives = new double[ProbabilityBins.Count];
        long rows = 0;
        for (var bin = 0; bin < ProbabilityBins.Count; bin++)
        {
            var count = predictions.ProbabilityCounts[bin];
            var sum = predictions.ProbabilitySums[bin];
            rows += count;
            positives[bin] = sum;
            negatives[bin] = count - sum;
        }

        if (rows == 0)
            return null;

        // The threshold may fall inside a fine bin, so the split uses the exact counts kept at the threshold.
        var predictedPositive = predictions.PredictedPositive;
        var positiveProbabilitySum = predictions.PositiveProbabilitySum;
        var truePositive = positiveProbabilitySum;
        var falseNegative = predictions.ProbabilitySums.Sum() - positiveProbabilitySum;
        var trueNegative = rows - predictedPositive - falseNegative;
        return new EstimatedPerformance(
            rows,
            (truePositive + trueNegative) / rows,
            predictedPositive == 0 ? null : truePositive / predictedPositive,
            truePositive + falseNegative <= 0 ? null : truePositive / (truePositive + falseNegative),
            BinnedRocAuc.Of(positives, negatives));
    }
}
