using Monitor.Windows;

namespace Monitor.Tests.Windows;

public sealed class LatencyBinsTests
{
    [Theory]
    [InlineData(0.50)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    public void Percentiles_from_the_bins_are_within_one_bin_of_the_sorted_sample(double quantile)
    {
        var random = new Random(23);
        var sample = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 6 - 1)).ToArray(); // 0.37 ms … 148 ms
        var counts = new long[LatencyBins.Count];
        foreach (var latency in sample)
            counts[LatencyBins.Of(latency)]++;
        Array.Sort(sample);
        var exact = sample[(int)Math.Ceiling(quantile * sample.Length) - 1];

        var estimate = LatencyBins.Quantile(counts, quantile)!.Value;

        // One bin is a factor 10^(1/8) = 1.33 wide.
        Assert.InRange(estimate, exact / 1.34, exact * 1.34);
    }

    [Fact]
    public void No_latencies_have_no_percentile()
    {
        Assert.Null(LatencyBins.Quantile(new long[LatencyBins.Count], 0.5));
    }
}
