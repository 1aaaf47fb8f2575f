namespace Bench.Tests;

/// <summary>What the bench's report says about the targets.</summary>
public sealed class BenchReportTests
{
    [Fact]
    public void The_latency_a_path_adds_at_one_caller_is_checked_against_its_mode_s_target()
    {
        // (b) answers one caller in 0.30 ms; the embedded (d) adds 0.40 ms (limit 0.5), the distributed (d) 2.20 ms (limit 2).
        OnlineResult[] results = [Row(OnlinePaths.Naive, 0.30), Row(OnlinePaths.RawEmbedded, 0.70), Row(OnlinePaths.Raw, 2.50)];

        var report = BenchReport.Of("bench online", results, [], TimeSpan.FromSeconds(5), "0.50");

        Assert.Contains("- 1 record(s) per request: (d) embedded at one caller adds 0.40 ms to (b)'s p50 (target ≤ 0.5 ms): **met**", report, StringComparison.Ordinal);
        Assert.Contains("- 1 record(s) per request: (d) at one caller adds 2.20 ms to (b)'s p50 (target ≤ 2 ms): **NOT met**", report, StringComparison.Ordinal);
        Assert.Contains($"| {OnlinePaths.RawEmbedded} | 1 | 1000 | 0.70 | 1.40 | 0.40 |", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_without_a_one_caller_run_has_no_latency_target_line()
    {
        OnlineResult[] results = [Row(OnlinePaths.Naive, 0.30), Row(OnlinePaths.RawEmbedded, null)];

        var report = BenchReport.Of("bench online", results, [], TimeSpan.FromSeconds(5), "0.50");

        Assert.DoesNotContain("at one caller adds", report, StringComparison.Ordinal);
    }

    // A row of one record per request whose one-caller run answered 1,000 requests a second with the given median (p99 twice it).
    private static OnlineResult Row(string path, double? oneCallerP50) =>
        new(path, 1, 4000, 8, new OpenLoopResult(new LatencyRecorder(), 2000, 2000), 0, [], [])
        {
            OneCaller = oneCallerP50 is { } p50 ? new ClosedLoopResult(1000, 0, 1) { P50Ms = p50, P99Ms = 2 * p50 } : null,
        };
}
