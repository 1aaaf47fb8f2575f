namespace Bench;

/// <summary>One measured path and batch size.</summary>
/// <param name="Path">(a)…(d) and what it is (<see cref="OnlinePaths"/>).</param>
/// <param name="BatchSize">Records per request.</param>
/// <param name="RequestsPerSecond">The best closed-loop throughput.</param>
/// <param name="Callers">The number of concurrent callers (connections, or threads for (a)) that reached it.</param>
/// <param name="HalfLoad">The open loop at half that throughput.</param>
/// <param name="Errors">Failed requests over all runs of this row.</param>
/// <param name="Costs">What each process spent per prediction during the closed-loop run of <paramref name="Callers"/> callers.</param>
/// <param name="NotMeasured">The processes of the path that were looked for and not found, one sentence each.</param>
public sealed record OnlineResult(
    string Path, int BatchSize, double RequestsPerSecond, int Callers, OpenLoopResult HalfLoad, long Errors,
    IReadOnlyList<HopCost> Costs, IReadOnlyList<string> NotMeasured)
{
    /// <summary>The closed loop of one caller (each request sent when the previous one was answered), for the latency of one caller alone; null when not measured.</summary>
    public ClosedLoopResult? OneCaller { get; init; }

    /// <summary>Records per second at the best throughput.</summary>
    public double RecordsPerSecond => RequestsPerSecond * BatchSize;

    /// <summary>Median latency at half load, ms.</summary>
    public double HalfLoadP50 => HalfLoad.Latencies.Percentile(0.5);

    /// <summary>99th percentile latency at half load, ms.</summary>
    public double HalfLoadP99 => HalfLoad.Latencies.Percentile(0.99);
}

/// <summary>The load generator measured against a target that does (almost) nothing, at the rate of the busiest open loop it ran.</summary>
/// <param name="Generator">Which generator.</param>
/// <param name="Target">What it called.</param>
/// <param name="Result">Its open loop.</param>
public sealed record GeneratorFloor(string Generator, string Target, OpenLoopResult Result);
