using Monitor.Windows;

namespace Monitor.Performance;

/// <summary>Binary classification metrics measured on outcomes (null where a metric is undefined, e.g. precision without predicted positives).</summary>
/// <param name="Rows">Outcomes.</param>
/// <param name="Accuracy">Share of predicted labels that were right.</param>
/// <param name="Precision">Of the predicted positives, the share truly positive.</param>
/// <param name="Recall">Of the true positives, the share predicted positive.</param>
/// <param name="Auc">ROC AUC (fine probability bins, ties within a bin counted half).</param>
/// <param name="LogLoss">Mean −ln p(true label).</param>
/// <param name="Brier">Mean (p − y)².</param>
/// <param name="ExpectedCalibrationError">Σ over ten probability bins of (rows / total) · |mean probability − observed rate|.</param>
/// <param name="Calibration">The ten calibration bins.</param>
public sealed record RealizedPerformance(
    long Rows,
    double? Accuracy,
    double? Precision,
    double? Recall,
    double? Auc,
    double? LogLoss,
    double? Brier,
    double? ExpectedCalibrationError,
    IReadOnlyList<CalibrationBin> Calibration) : IWindowPerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "auc" => Auc,
        "accuracy" => Accuracy,
        "precision" => Precision,
        "recall" => Recall,
        "log-loss" => LogLoss,
        "brier" => Brier,
        _ => null,
    };

    /// <summary>The metrics of the outcomes in <paramref name="outcomes"/>; null when there are none.</summary>
    public static RealizedPerformance? Of(OutcomeAggregate outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Rows == 0)
            return null;
        double rows = outcomes.Rows;
        var predictedPositive = outcomes.TruePositive + outcomes.FalsePositive;
        var actualPositive = outcomes.TruePositive + outcomes.FalseNegative;
        var calibration = Calibrate(outcomes);
        double? ece = CalibrationBin.ExpectedError(calibration);
        return new RealizedPerformance(
            outcomes.Rows,
            (outcomes.TruePositive + outcomes.TrueNegative) / rows,
            predictedPositive == 0 ? null : (double)outcomes.TruePositive / predictedPositive,
            actualPositive == 0 ? null : (double)outcomes.TruePositive / actualPositive,
            BinnedRocAuc.Of(outcomes.Positives, outcomes.Negatives),
            outcomes.LogLossSum / rows,
            outcomes.BrierSum / rows,
            ece,
            calibration);
    }

    private const int CalibrationBins = 10;

    private static CalibrationBin[] Calibrate(OutcomeAggregate outcomes)
    {
        var perGroup = ProbabilityBins.Count / CalibrationBins;
        var bins = new List<CalibrationBin>(CalibrationBins);
        for (var group = 0; group < CalibrationBins; group++)
        {
            long positives = 0, count = 0;
            double sum = 0;
            for (var bin = group * perGroup; bin < (group + 1) * perGroup; bin++)
            {
                positives += outcomes.Positives[bin];
                count += outcomes.Positives[bin] + outcomes.Negatives[bin];
                sum += outcomes.ProbabilitySums[bin];
            }

            if (count > 0)
                bins.Add(new CalibrationBin(group / (double)CalibrationBins, (group + 1) / (double)CalibrationBins, count, sum / count, (double)positives / count));
        }

        return [.. bins];
    }
}

/// <summary>
/// One calibration bin: predictions with probability in [From, To), their mean probability and how often they were
/// positive (binary), or right (multiclass: the predicted label's probability).
/// </summary>
public sealed record CalibrationBin(double From, double To, long Rows, double MeanProbability, double ObservedRate)
{
    /// <summary>The expected calibration error of the bins: Σ (rows / total) · |mean probability − observed rate|; null without rows.</summary>
    public static double? ExpectedError(IReadOnlyList<CalibrationBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        double total = bins.Sum(bin => bin.Rows);
        return total == 0 ? null : bins.Sum(bin => bin.Rows / total * Math.Abs(bin.MeanProbability - bin.ObservedRate));
    }
}
