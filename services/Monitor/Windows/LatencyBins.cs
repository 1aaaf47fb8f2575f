namespace Monitor.Windows;

/// <summary>
/// Latency bins: eight per decade from 0.1 ms to 100 s (upper bounds 0.1·10^(i/8) ms), plus one for anything
/// slower. Percentiles interpolate inside a bin, so they are within one bin width (about 33%) of the truth.
/// </summary>
public static class LatencyBins
{
    /// <summary>Number of bins, the overflow bin included.</summary>
    public const int Count = 49;

    private static readonly double[] UpperBounds = [.. Enumerable.Range(0, Count - 1).Select(i => 0.1 * Math.Pow(10, (i + 1) / 8.0))];

    /// <summary>The bin of a latency in milliseconds.</summary>
    public static int Of(double milliseconds)
    {
        var index = Array.BinarySearch(UpperBounds, milliseconds);
        return Math.Min(index >= 0 ? index : ~index, Count - 1);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) of the counted latencies in milliseconds, linearly interpolated
    /// inside its bin (the first bin starts at 0, the overflow bin is reported at its lower bound); null when empty.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile)
    {
        ArgumentNullException.ThrowIfNull(counts);
        long total = 0;
        foreach (var count in counts)
            total += count;
        if (total == 0)
            return null;
        var rank = quantile * total;
        double below = 0;
        for (var bin = 0; bin < counts.Count; bin++)
        {
            if (counts[bin] == 0 || below + counts[bin] < rank)
            {
                below += counts[bin];
                continue;
            }

            var lower = bin == 0 ? 0 : UpperBounds[bin - 1];
            if (bin == Count - 1)
                return lower;
            return lower + (UpperBounds[bin] - lower) * Math.Clamp((rank - below) / counts[bin], 0, 1);
        }

        return UpperBounds[^1];
    }
}
