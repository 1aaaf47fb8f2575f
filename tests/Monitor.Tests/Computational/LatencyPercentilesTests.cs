using Monitor.Computational;
using ServiceDefaults.Metrics;

namespace Monitor.Tests.Computational;

public sealed class LatencyPercentilesTests
{
    private static readonly IReadOnlyList<double> Bounds = RequestLatencyBuckets.UpperBoundsMs;

    [Theory]
    [InlineData(0.50)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    public void A_percentile_of_a_histogram_lies_in_the_bucket_of_the_exact_percentile_of_the_sample(double quantile)
    {
        // Latencies spread over four orders of magnitude (log-uniform 0.3 ms … 3 s), as a service's are.
        var random = new Random(7);
        var sample = Enumerable.Range(0, 20_000).Select(_ => 0.3 * Math.Pow(10, 4 * random.NextDouble())).ToArray();
        var counts = Histogram(sample);

        var estimate = LatencyPercentiles.Quantile(counts, Bounds, quantile)!.Value;

        // The exact percentile by nearest rank on the sorted sample.
        var sorted = sample.Order().ToArray();
        var exact = sorted[(int)Math.Ceiling(quantile * sorted.Length) - 1];
        var bucket = RequestLatencyBuckets.IndexOf(exact);
        var lower = bucket == 0 ? 0 : Bounds[bucket - 1];
        Assert.InRange(estimate, lower, Bounds[bucket]);
        // Four buckets per doubling: within 19% of the truth.
        Assert.InRange(estimate / exact, 1 / 1.19, 1.19);
    }

    [Fact]
    public void A_percentile_is_interpolated_linearly_inside_its_bucket()
    {
        // Bounds 1, 2, 4, 8 ms; 10 requests in (1, 2], 30 in (2, 4], 60 in (4, 8].
        long[] counts = [0, 10, 30, 60, 0];
        double[] bounds = [1, 2, 4, 8];

        // p50: rank 50; 40 requests lie below 4 ms, so the 10th of the 60 in (4, 8]: 4 + 4 × 10/60.
        Assert.Equal(4 + (4 * 10.0 / 60), LatencyPercentiles.Quantile(counts, bounds, 0.50)!.Value, 9);
        // p95: rank 95, the 55th of 60: 4 + 4 × 55/60.
        Assert.Equal(4 + (4 * 55.0 / 60), LatencyPercentiles.Quantile(counts, bounds, 0.95)!.Value, 9);
        // p5: rank 5, the 5th of the 10 in (1, 2]: 1.5.
        Assert.Equal(1.5, LatencyPercentiles.Quantile(counts, bounds, 0.05)!.Value, 9);
    }

    [Fact]
    public void Evenly_spread_durations_give_their_exact_percentiles()
    {
        // 1,000 durations evenly spread over (0, 65,536] ms cross every bucket evenly; the interpolated
        // percentile of an even spread is the percentile itself (up to the spacing of the sample).
        var sample = Enumerable.Range(1, 1000).Select(index => index * 65.536).ToArray();
        var counts = Histogram(sample);

        foreach (var quantile in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = sample[(int)Math.Ceiling(quantile * sample.Length) - 1];
            Assert.InRange(LatencyPercentiles.Quantile(counts, Bounds, quantile)!.Value, exact - 65.536, exact + 65.536);
        }
    }

    [Fact]
    public void Durations_beyond_the_last_bound_are_reported_at_the_last_bound()
    {
        var counts = Histogram([5, 70_000, 90_000, 120_000]);

        Assert.Equal(Bounds[^1], LatencyPercentiles.Quantile(counts, Bounds, 0.99));
    }

    [Fact]
    public void An_empty_histogram_has_no_percentiles()
    {
        Assert.Null(LatencyPercentiles.Quantile(new long[Bounds.Count + 1], Bounds, 0.5));
    }

    internal static long[] Histogram(IEnumerable<double> durationsMs)
    {
        var counts = new long[RequestLatencyBuckets.BoundCount + 1];
        foreach (var duration in durationsMs)
            counts[RequestLatencyBuckets.IndexOf(duration)]++;
        return counts;
    }
}
