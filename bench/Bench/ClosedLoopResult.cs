namespace Bench;

/// <summary>What one closed-loop run did.</summary>
/// <param name="Completed">Requests answered with a success status.</param>
/// <param name="Errors">Requests that failed: an error status, a connection error or a timeout.</param>
/// <param name="Seconds">How long it ran.</param>
public sealed record ClosedLoopResult(long Completed, long Errors, double Seconds)
{
    /// <summary>Successful requests per second.</summary>
    public double PerSecond => Seconds > 0 ? Completed / Seconds : 0;
}
