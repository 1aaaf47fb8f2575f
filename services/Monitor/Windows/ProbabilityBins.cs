namespace Monitor.Windows;

/// <summary>
/// The fine probability bins of the aggregates: [i/100, (i+1)/100), the last one closed. ROC AUC from binned
/// counts treats predictions in the same bin as ties (half credit), so it is within about 0.005 of the exact
/// value for a model whose probabilities spread over a few dozen bins.
/// </summary>
public static class ProbabilityBins
{
    /// <summary>Number of bins.</summary>
    public const int Count = 100;

    /// <summary>The bin of <paramref name="probability"/> (values outside [0, 1] go to the end bins).</summary>
    public static int Of(double probability) => Math.Clamp((int)(probability * Count), 0, Count - 1);
}
