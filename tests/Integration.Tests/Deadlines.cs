namespace Integration.Tests;

/// <summary>
/// How long the tests wait for a state before they fail. Generous on purpose: CI has two cores, one of them sometimes
/// busy with another process, and other test projects run beside these; a passing test polls and returns as soon as
/// the state is reached, so a deadline only costs time when something is really wrong.
/// </summary>
public static class Deadlines
{
    /// <summary>A service process until it is live or ready, or serves its model: JIT, SQLite and the broker's topology on a busy machine.</summary>
    public static readonly TimeSpan ProcessStart = TimeSpan.FromSeconds(180);

    /// <summary>A state that travels between processes: an answer over the broker, a model switch, an alert, a join.</summary>
    public static readonly TimeSpan DistributedState = TimeSpan.FromSeconds(120);

    /// <summary>Work that takes seconds on an idle machine and may take minutes under load: a batch, a retraining, a canary.</summary>
    public static readonly TimeSpan LongWork = TimeSpan.FromMinutes(5);

    /// <summary>What the broker's management API shows: its statistics are refreshed every 5 s and it answers slowly under load.</summary>
    public static readonly TimeSpan ManagementStatistics = TimeSpan.FromSeconds(60);
}
