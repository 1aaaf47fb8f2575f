namespace ServiceDefaults.Metrics;

/// <summary>
/// The fixed latency buckets of the request metrics every service reports: four per doubling from 0.5 ms to
/// 65.5 s (upper bounds 0.5·2^(k/4) ms, k = 0…68), plus one bucket for anything slower. Fixed, so that
/// histograms of every instance and every interval add up bucket by bucket; a percentile interpolated
/// inside a bucket is within one bucket (at most 19% of the value) of the truth.
/// </summary>
public static class RequestLatencyBuckets
{
    /// <summary>Number of finite upper bounds; the counts have one more entry, the overflow bucket.</summary>
    public const int BoundCount = 69;

    private static readonly double[] Bounds = CreateBounds();

    /// <summary>The buckets' upper bounds in milliseconds, strictly increasing.</summary>
    public static IReadOnlyList<double> UpperBoundsMs { get; } = Array.AsReadOnly(Bounds);

    /// <summary>
    /// The bucket of a duration in milliseconds: the first whose upper bound is at least the duration, or
    /// <see cref="BoundCount"/> (the overflow bucket) beyond the last bound.
    /// </summary>
    public static int IndexOf(double milliseconds)
    {
        var index = Array.BinarySearch(Bounds, milliseconds);
        return index >= 0 ? index : ~index;
    }

    private static double[] CreateBounds() =>
        [.. Enumerable.Range(0, BoundCount).Select(k => 0.5 * Math.Pow(2, k / 4.0))];
}
