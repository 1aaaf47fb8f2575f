namespace Bench;

/// <summary>What one open-loop run at a fixed rate did.</summary>
/// <param name="Latencies">Latencies of the requests that succeeded, and the count of those that failed.</param>
/// <param name="TargetPerSecond">The rate asked for.</param>
/// <param name="SentPerSecond">
/// The rate at which requests were actually sent, from the first to the last: below the target when the generator held
/// requests back (h2load waits for a connection's answer before its next request, and that wait is not in the latency).
/// </param>
public sealed record OpenLoopResult(LatencyRecorder Latencies, double TargetPerSecond, double SentPerSecond)
{
    /// <summary>The rate sent as a share of the rate asked for, in percent.</summary>
    public double SentPercent => TargetPerSecond > 0 ? 100 * SentPerSecond / TargetPerSecond : 0;
}
