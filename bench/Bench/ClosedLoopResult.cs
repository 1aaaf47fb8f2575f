namespace Bench;

/// <summary>What one closed-loop run did.</summary>
/// <param name="Completed">Requests answered with a success status.</param>
/// <param name="Errors">Requests that failed: an error status, a connection error or a timeout.</param>
/// <param name="Seconds">How long it ran.</param>
public sealed record ClosedLoopResult(long Completed, long Errors, double Seconds)
{
    /// <summary>Successful requests per second.</summary>
    public double PerSecond => Seconds > 0 ? Completed / Seconds : 0;

    /// <summary>The median latency of the answers, ms, when the generator reports it (wrk does).</summary>
    public double? P50Ms { get; init; }

    /// <summary>The 99th percentile latency of the answers, ms, when the generator reports it.</summary>
    public double? P99Ms { get; init; }
}
