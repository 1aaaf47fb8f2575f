namespace Retrainer.Rollouts;

/// <summary>What became of a request to change a rollout.</summary>
public enum RolloutChangeOutcome
{
    /// <summary>Changed (and announced).</summary>
    Changed,

    /// <summary>No such rollout of the model.</summary>
    NotFound,

    /// <summary>The rollout's state does not allow it (e.g. promoting a rolled-back rollout).</summary>
    Conflict,
}

/// <summary>The outcome of a change: the rollout as it is now (null when not found), and why it was refused.</summary>
public sealed record RolloutChange(RolloutChangeOutcome Outcome, Rollout? Rollout, string? Reason = null);
