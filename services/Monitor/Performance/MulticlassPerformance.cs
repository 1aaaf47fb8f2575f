using Monitor.Windows;

namespace Monitor.Performance;

/// <summary>
/// Multiclass classification metrics measured on outcomes, the predicted label being the most probable one (null where a
/// metric is undefined). Accuracy, macro-F1 and the per-label numbers are those of the card's hold-out metrics
/// (<c>MulticlassConfusion</c>): macro-F1 averages the labels that were true or predicted at least once, a label's F1 being 0
/// when it has neither precision nor recall.
/// </summary>
/// <param name="Rows">Outcomes.</param>
/// <param name="Accuracy">Share of predicted labels that were right.</param>
/// <param name="MacroF1">The mean of the labels' F1.</param>
/// <param name="LogLoss">Mean −ln p(true label), clipped at 1e-15, over the outcomes whose prediction carried every label's probability; null when none did.</param>
/// <param name="LogLossRows">The outcomes the log loss is computed on.</param>
/// <param name="ExpectedCalibrationError">Σ over ten bins of the predicted label's probability of (rows / total) · |mean probability − share right|.</param>
/// <param name="Calibration">Those bins: how often a prediction made with that confidence was right.</param>
/// <param name="Classes">Per label, in the card's order.</param>
public sealed record MulticlassPerformance(
    long Rows,
    double? Accuracy,
    double? MacroF1,
    double? LogLoss,
    long LogLossRows,
    double? ExpectedCalibrationError,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyDictionary<string, ClassPerformance> Classes) : IWindowPerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "accuracy" => Accuracy,
        "macro-f1" => MacroF1,
        "log-loss" => LogLoss,
        _ => null,
    };

    /// <summary>The metrics of <paramref name="outcomes"/> (labels named as in <paramref name="labels"/>); null without outcomes.</summary>
    public static MulticlassPerformance? Of(MulticlassOutcomes? outcomes, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (outcomes is null || outcomes.Confusion.Length != labels.Count)
            return null;
        var confusion = outcomes.Confusion;
        var rows = confusion.Sum(row => row.Sum());
        if (rows == 0)
            return null;
        long correct = 0;
        var classes = new Dictionary<string, ClassPerformance>(StringComparer.Ordinal);
        var f1s = new List<double>();
        for (var label = 0; label < labels.Count; label++)
        {
            var hits = confusion[label][label];
            correct += hits;
            var predicted = confusion.Sum(row => row[label]);
            var support = confusion[label].Sum();
            double? precision = predicted == 0 ? null : (double)hits / predicted;
            double? recall = support == 0 ? null : (double)hits / support;
            double? f1 = null;
            if (predicted > 0 || support > 0)
            {
                var (p, r) = (precision ?? 0, recall ?? 0);
                f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
                f1s.Add(f1.Value);
            }

            classes[labels[label]] = new ClassPerformance(precision, recall, f1, support, predicted);
        }

        var calibration = Enumerable.Range(0, MulticlassOutcomes.CalibrationBins)
            .Where(bin => outcomes.CalibrationRows[bin] > 0)
            .Select(bin => new CalibrationBin(
                bin / (double)MulticlassOutcomes.CalibrationBins, (bin + 1) / (double)MulticlassOutcomes.CalibrationBins, outcomes.CalibrationRows[bin],
                outcomes.CalibrationSums[bin] / outcomes.CalibrationRows[bin], (double)outcomes.CalibrationCorrect[bin] / outcomes.CalibrationRows[bin]))
            .ToList();
        return new MulticlassPerformance(
            rows,
            (double)correct / rows,
            f1s.Count == 0 ? null : f1s.Average(),
            outcomes.LogLossRows == 0 ? null : outcomes.LogLossSum / outcomes.LogLossRows,
            outcomes.LogLossRows,
            CalibrationBin.ExpectedError(calibration),
            calibration,
            classes);
    }
}

/// <summary>One label's live numbers: of the outcomes predicted as it, the share that had it (precision); of those that had it, the share predicted as it (recall).</summary>
/// <param name="Precision">Null when the label was never predicted.</param>
/// <param name="Recall">Null when the label was never the truth.</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0 or one is undefined); null when the label was neither.</param>
/// <param name="Support">Outcomes whose true label it is.</param>
/// <param name="Predicted">Outcomes predicted as it.</param>
public sealed record ClassPerformance(double? Precision, double? Recall, double? F1, long Support, long Predicted);
