namespace Monitor.Windows;

/// <summary>
/// What Monitor keeps of a set of outcomes of one regression model version: the sums of the absolute and squared
/// errors, and the mean of the true values with the sum of their squared deviations from it (for R²). Mergeable: the
/// deviations of two sets combine exactly (Chan et al.), without the cancellation of Σy² − n·ȳ².
/// </summary>
public sealed class RegressionOutcomes
{
    /// <summary>Outcomes counted.</summary>
    public long Rows { get; set; }

    /// <summary>Σ |predicted − true|.</summary>
    public double AbsoluteErrorSum { get; set; }

    /// <summary>Σ (predicted − true)².</summary>
    public double SquaredErrorSum { get; set; }

    /// <summary>The mean of the true values.</summary>
    public double TruthMean { get; set; }

    /// <summary>Σ (true − mean of the true values)².</summary>
    public double TruthSquaredDeviations { get; set; }

    /// <summary>Counts one outcome.</summary>
    public void Add(double truth, double predicted)
    {
        var error = predicted - truth;
        AbsoluteErrorSum += Math.Abs(error);
        SquaredErrorSum += error * error;
        Rows++;
        var delta = truth - TruthMean;
        TruthMean += delta / Rows;
        TruthSquaredDeviations += delta * (truth - TruthMean);
    }

    /// <summary>Adds <paramref name="other"/>'s outcomes to these.</summary>
    public void Add(RegressionOutcomes other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Rows == 0)
            return;
        var rows = Rows + other.Rows;
        var delta = other.TruthMean - TruthMean;
        TruthSquaredDeviations += other.TruthSquaredDeviations + (delta * delta * Rows * other.Rows / rows);
        TruthMean += delta * other.Rows / rows;
        AbsoluteErrorSum += other.AbsoluteErrorSum;
        SquaredErrorSum += other.SquaredErrorSum;
        Rows = rows;
    }
}
