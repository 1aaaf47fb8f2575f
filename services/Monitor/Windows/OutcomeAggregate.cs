namespace Monitor.Windows;

/// <summary>
/// What Monitor keeps of a set of outcomes of one model version. Binary: the true labels per fine probability
/// bin (ROC AUC, calibration), the exact sums for log loss and Brier score, the confusion counts at the card's
/// threshold. Multiclass: <see cref="Multiclass"/>; regression: <see cref="Regression"/>. And per segment (e.g. per
/// origin airport) what its task needs. Mergeable by adding, like <see cref="PredictionAggregate"/>; the parts of the
/// other tasks stay empty (binary's arrays of zeros, the others null), so a document written before they existed
/// reads as it was.
/// </summary>
public sealed class OutcomeAggregate
{
    /// <summary>Outcomes counted.</summary>
    public long Rows { get; set; }

    /// <summary>When the earliest counted outcome was recorded.</summary>
    public DateTimeOffset? First { get; set; }

    /// <summary>When the latest counted outcome was recorded.</summary>
    public DateTimeOffset? Last { get; set; }

    /// <summary>Positive outcomes per fine probability bin.</summary>
    public long[] Positives { get; set; } = new long[ProbabilityBins.Count];

    /// <summary>Negative outcomes per fine probability bin.</summary>
    public long[] Negatives { get; set; } = new long[ProbabilityBins.Count];

    /// <summary>Sum of the predicted probabilities per fine bin (the calibration's mean prediction).</summary>
    public double[] ProbabilitySums { get; set; } = new double[ProbabilityBins.Count];

    /// <summary>Σ −ln p(true label), probabilities clipped to [1e-15, 1 − 1e-15].</summary>
    public double LogLossSum { get; set; }

    /// <summary>Σ (p − y)².</summary>
    public double BrierSum { get; set; }

    /// <summary>Predicted positive, truly positive.</summary>
    public long TruePositive { get; set; }

    /// <summary>Predicted positive, truly negative.</summary>
    public long FalsePositive { get; set; }

    /// <summary>Predicted negative, truly negative.</summary>
    public long TrueNegative { get; set; }

    /// <summary>Predicted negative, truly positive.</summary>
    public long FalseNegative { get; set; }

    /// <summary>Multiclass: the confusion matrix, the log loss and the calibration of the predicted label's probability; null for the other tasks.</summary>
    public MulticlassOutcomes? Multiclass { get; set; }

    /// <summary>Regression: the sums of the errors and of the true values; null for the other tasks.</summary>
    public RegressionOutcomes? Regression { get; set; }

    /// <summary>Outcomes per segment, keyed <c>feature=value</c>.</summary>
    public Dictionary<string, SegmentAggregate> Segments { get; set; } = [];

    /// <summary>Adds one multiclass outcome: its true label's index, the predicted one's, and the probabilities of both when known.</summary>
    public void AddMulticlass(int classes, int truth, int predicted, float? confidence, float? truthProbability, DateTimeOffset recordedAt)
    {
        Rows++;
        First = PredictionAggregate.Earliest(First, recordedAt);
        Last = PredictionAggregate.Latest(Last, recordedAt);
        (Multiclass ??= MulticlassOutcomes.Empty(classes)).Add(truth, predicted, confidence, truthProbability);
    }

    /// <summary>Adds one regression outcome: the true and the predicted value.</summary>
    public void AddRegression(double truth, double predicted, DateTimeOffset recordedAt)
    {
        Rows++;
        First = PredictionAggregate.Earliest(First, recordedAt);
        Last = PredictionAggregate.Latest(Last, recordedAt);
        (Regression ??= new RegressionOutcomes()).Add(truth, predicted);
    }

    /// <summary>Adds one outcome.</summary>
    public void Add(float probability, bool positive, bool predictedPositive, DateTimeOffset recordedAt)
    {
        Rows++;
        First = PredictionAggregate.Earliest(First, recordedAt);
        Last = PredictionAggregate.Latest(Last, recordedAt);
        var bin = ProbabilityBins.Of(probability);
        if (positive)
            Positives[bin]++;
        else
            Negatives[bin]++;
        ProbabilitySums[bin] += probability;
        LogLossSum += LogLoss(probability, positive);
        BrierSum += (probability - (positive ? 1.0 : 0.0)) * (probability - (positive ? 1.0 : 0.0));
        if (predictedPositive)
        {
            if (positive)
                TruePositive++;
            else
                FalsePositive++;
        }
        else if (positive)
        {
            FalseNegative++;
        }
        else
        {
            TrueNegative++;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one.</summary>
    public void Add(OutcomeAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Rows += other.Rows;
        First = PredictionAggregate.Earliest(First, other.First);
        Last = PredictionAggregate.Latest(Last, other.Last);
        PredictionAggregate.Sum(Positives, other.Positives);
        PredictionAggregate.Sum(Negatives, other.Negatives);
        PredictionAggregate.Sum(ProbabilitySums, other.ProbabilitySums);
        LogLossSum += other.LogLossSum;
        BrierSum += other.BrierSum;
        TruePositive += other.TruePositive;
        FalsePositive += other.FalsePositive;
        TrueNegative += other.TrueNegative;
        FalseNegative += other.FalseNegative;
        if (other.Multiclass is { } multiclass)
            (Multiclass ??= MulticlassOutcomes.Empty(multiclass.Confusion.Length)).Add(multiclass);
        if (other.Regression is { } regression)
            (Regression ??= new RegressionOutcomes()).Add(regression);
        foreach (var (key, segment) in other.Segments)
        {
            if (!Segments.TryGetValue(key, out var mine))
                Segments[key] = mine = new SegmentAggregate();
            mine.Add(segment);
        }
    }

    /// <summary>−ln p(true label), the probability clipped to [1e-15, 1 − 1e-15].</summary>
    public static double LogLoss(double probability, bool positive)
    {
        var clipped = Math.Clamp(probability, 1e-15, 1 - 1e-15);
        return -Math.Log(positive ? clipped : 1 - clipped);
    }
}

/// <summary>
/// The outcomes of one segment (e.g. <c>origin=ORD</c>): binary in coarse probability bins, multiclass right or wrong and
/// log loss, regression the errors.
/// </summary>
public sealed class SegmentAggregate
{
    /// <summary>Probability bins per segment: coarse, as there may be hundreds of segments.</summary>
    public const int Bins = 20;

    /// <summary>Outcomes counted.</summary>
    public long Rows { get; set; }

    /// <summary>Outcomes whose predicted label was right.</summary>
    public long Correct { get; set; }

    /// <summary>Σ −ln p(true label).</summary>
    public double LogLossSum { get; set; }

    /// <summary>Multiclass: the outcomes in <see cref="LogLossSum"/> (those whose prediction carried every label's probability); binary: 0, all are.</summary>
    public long LogLossRows { get; set; }

    /// <summary>Regression: Σ |predicted − true|.</summary>
    public double AbsoluteErrorSum { get; set; }

    /// <summary>Regression: Σ (predicted − true)².</summary>
    public double SquaredErrorSum { get; set; }

    /// <summary>Positive outcomes per coarse probability bin.</summary>
    public long[] Positives { get; set; } = new long[Bins];

    /// <summary>Negative outcomes per coarse probability bin.</summary>
    public long[] Negatives { get; set; } = new long[Bins];

    /// <summary>Adds one outcome.</summary>
    public void Add(float probability, bool positive, bool predictedPositive)
    {
        Rows++;
        if (positive == predictedPositive)
            Correct++;
        LogLossSum += OutcomeAggregate.LogLoss(probability, positive);
        var bin = Math.Clamp((int)(probability * Bins), 0, Bins - 1);
        if (positive)
            Positives[bin]++;
        else
            Negatives[bin]++;
    }

    /// <summary>Adds one multiclass outcome: whether the predicted label was right, and the true label's probability when known.</summary>
    public void AddMulticlass(bool correct, float? truthProbability)
    {
        Rows++;
        if (correct)
            Correct++;
        if (truthProbability is { } probability)
        {
            LogLossSum += MulticlassOutcomes.LogLoss(probability);
            LogLossRows++;
        }
    }

    /// <summary>Adds one regression outcome.</summary>
    public void AddRegression(double truth, double predicted)
    {
        Rows++;
        AbsoluteErrorSum += Math.Abs(predicted - truth);
        SquaredErrorSum += (predicted - truth) * (predicted - truth);
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one.</summary>
    public void Add(SegmentAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Rows += other.Rows;
        Correct += other.Correct;
        LogLossSum += other.LogLossSum;
        LogLossRows += other.LogLossRows;
        AbsoluteErrorSum += other.AbsoluteErrorSum;
        SquaredErrorSum += other.SquaredErrorSum;
        PredictionAggregate.Sum(Positives, other.Positives);
        PredictionAggregate.Sum(Negatives, other.Negatives);
    }
}
