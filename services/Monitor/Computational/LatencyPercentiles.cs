namespace Monitor.Computational;

/// <summary>Percentiles of a latency histogram with fixed buckets (counts per bucket, not the raw durations).</summary>
public static class LatencyPercentiles
{
    /// <summary>
    /// The <paramref name="quantile"/> (0–1) of the durations counted in <paramref name="counts"/>, in milliseconds:
    /// the bucket holding the rank <c>quantile × total</c> is found from the cumulative counts, and the value is
    /// interpolated linearly between the bucket's lower bound (the previous upper bound, 0 for the first) and its
    /// upper bound, as if its durations were spread evenly inside it. A rank in the overflow bucket is reported
    /// as the last finite bound (the histogram cannot say more). Null when nothing was counted.
    /// </summary>
    /// <param name="counts">Counts per bucket: one per upper bound, then the overflow bucket.</param>
    /// <param name="upperBoundsMs">The buckets' upper bounds in milliseconds, strictly increasing.</param>
    /// <param name="quantile">The quantile, e.g. 0.99 for p99.</param>
    public static double? Quantile(IReadOnlyList<long> counts, IReadOnlyList<double> upperBoundsMs, double quantile)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(upperBoundsMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (counts.Count != upperBoundsMs.Count + 1)
            throw new ArgumentException($"Expected {upperBoundsMs.Count + 1} counts (one per bound and the overflow bucket), got {counts.Count}.", nameof(counts));

        long total = 0;
        foreach (var count in counts)
            total += count;
        if (total == 0)
            return null;

        var rank = quantile * total;
        long below = 0;
        for (var bucket = 0; bucket < counts.Count; bucket++)
        {
            var count = counts[bucket];
            if (count == 0 || below + count < rank)
            {
                below += count;
                continue;
            }

            var lower = bucket == 0 ? 0 : upperBoundsMs[bucket - 1];
            if (bucket == upperBoundsMs.Count)
                return lower;
            return lower + ((upperBoundsMs[bucket] - lower) * Math.Clamp((rank - below) / count, 0, 1));
        }

        return upperBoundsMs[^1];
    }
}
