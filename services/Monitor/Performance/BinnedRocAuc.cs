namespace Monitor.Performance;

/// <summary>
/// ROC AUC from counts per ascending score bin: the probability that a random positive scores higher than a
/// random negative, pairs in the same bin counting one half (the Mann–Whitney U statistic over bins).
/// Weights may be fractional (confidence-based estimation uses expected counts).
/// </summary>
public static class BinnedRocAuc
{
    /// <summary>The AUC, or null when either class is empty.</summary>
    public static double? Of(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        double negativesBelow = 0, pairs = 0, positiveTotal = 0;
        for (var bin = 0; bin < positives.Count; bin++)
        {
            pairs += positives[bin] * (negativesBelow + 0.5 * negatives[bin]);
            negativesBelow += negatives[bin];
            positiveTotal += positives[bin];
        }

        return positiveTotal <= 0 || negativesBelow <= 0 ? null : pairs / (positiveTotal * negativesBelow);
    }

    /// <summary>The AUC of integer counts, or null when either class is empty.</summary>
    public static double? Of(IReadOnlyList<long> positives, IReadOnlyList<long> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        return Of([.. positives.Select(count => (double)count)], [.. negatives.Select(count => (double)count)]);
    }
}
