namespace Monitor.Windows;

/// <summary>
/// What Monitor keeps of a set of outcomes of one multiclass model version: the confusion matrix (true label ×
/// predicted label, in the card's label order), the log loss of the outcomes whose prediction carried every label's
/// probability, and the predicted label's probability against being right in ten bins (calibration). Mergeable by adding.
/// </summary>
public sealed class MulticlassOutcomes
{
    /// <summary>Calibration bins of the predicted label's probability: [i/10, (i+1)/10), the last one closed.</summary>
    public const int CalibrationBins = 10;

    /// <summary>Outcomes per true label (rows) and predicted label (columns).</summary>
    public long[][] Confusion { get; set; } = [];

    /// <summary>Σ −ln p(true label), the probability clipped to [1e-15, 1], over <see cref="LogLossRows"/> outcomes.</summary>
    public double LogLossSum { get; set; }

    /// <summary>Outcomes whose prediction carried every label's probability (older senders' did not).</summary>
    public long LogLossRows { get; set; }

    /// <summary>Outcomes with the predicted label's probability, per calibration bin of it.</summary>
    public long[] CalibrationRows { get; set; } = new long[CalibrationBins];

    /// <summary>Of those, the ones whose predicted label was right.</summary>
    public long[] CalibrationCorrect { get; set; } = new long[CalibrationBins];

    /// <summary>The sum of the predicted label's probabilities per calibration bin.</summary>
    public double[] CalibrationSums { get; set; } = new double[CalibrationBins];

    /// <summary>An empty count for <paramref name="classes"/> labels.</summary>
    public static MulticlassOutcomes Empty(int classes) => new() { Confusion = [.. Enumerable.Range(0, classes).Select(_ => new long[classes])] };

    /// <summary>Counts one outcome: the true label's index, the predicted one's, the predicted label's probability and the true label's when known.</summary>
    public void Add(int truth, int predicted, float? confidence, float? truthProbability)
    {
        Confusion[truth][predicted]++;
        if (truthProbability is { } probability)
        {
            LogLossSum += LogLoss(probability);
            LogLossRows++;
        }

        if (confidence is { } p)
        {
            var bin = Math.Clamp((int)(p * CalibrationBins), 0, CalibrationBins - 1);
            CalibrationRows[bin]++;
            CalibrationSums[bin] += p;
            if (truth == predicted)
                CalibrationCorrect[bin]++;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one (the same labels).</summary>
    public void Add(MulticlassOutcomes other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var truth = 0; truth < Math.Min(Confusion.Length, other.Confusion.Length); truth++)
            PredictionAggregate.Sum(Confusion[truth], other.Confusion[truth]);
        LogLossSum += other.LogLossSum;
        LogLossRows += other.LogLossRows;
        PredictionAggregate.Sum(CalibrationRows, other.CalibrationRows);
        PredictionAggregate.Sum(CalibrationCorrect, other.CalibrationCorrect);
        PredictionAggregate.Sum(CalibrationSums, other.CalibrationSums);
    }

    /// <summary>−ln p(true label), the probability clipped to [1e-15, 1] (as the card's multiclass log loss).</summary>
    public static double LogLoss(double truthProbability) => -Math.Log(Math.Clamp(truthProbability, 1e-15, 1.0));
}
