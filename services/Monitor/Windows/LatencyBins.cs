using Monitor.Computational;

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
    /// The <paramref name="quantile"/> (0–1) of the counted latencies in milliseconds, interpolated inside its bin
    /// (<see cref="LatencyPercentiles"/>, which the computational monitoring uses too); null when empty.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile) =>
        LatencyPercentiles.Quantile(counts, UpperBounds, quantile);
}
