namespace Retrainer.Rollouts;

/// <summary>
/// Starts a rollout of a registered version. Retraining calls it when a challenger beat the champion; the rollout
/// API calls it for a person.
/// </summary>
public interface IRolloutStarter
{
    /// <summary>
    /// Starts rolling <see cref="RolloutStart.Version"/> out with <see cref="RolloutStart.Strategy"/>; fails (without
    /// changing anything) when the model or version is unknown, the version is already the champion, or another
    /// rollout of the model is running.
    /// </summary>
    Task<RolloutStartResult> StartAsync(RolloutStart start, CancellationToken cancellationToken);
}

/// <summary>What to roll out, how, and who asked.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Version">The registered version to roll out (the challenger).</param>
/// <param name="Strategy">One of <c>Contracts.Rollouts.RolloutStrategies</c>.</param>
/// <param name="StartedBy"><c>manual</c>, or <c>retraining:&lt;job id&gt;</c> when a retraining job started it.</param>
/// <param name="Share">
/// <c>shadow</c>: the share of requests the challenger also scores; <c>ab</c>: the challenger's share of entity keys.
/// Null: the configured default of the strategy.
/// </param>
/// <param name="Steps"><c>canary</c>: the challenger's shares in order, ending at 1, e.g. 0.05, 0.25, 0.5, 1. Null: the configured steps.</param>
public sealed record RolloutStart(
    string ModelName,
    string Version,
    string Strategy,
    string StartedBy,
    double? Share = null,
    IReadOnlyList<double>? Steps = null);

/// <summary>The outcome of <see cref="IRolloutStarter.StartAsync"/>.</summary>
/// <param name="RolloutId">The started rollout, when it started.</param>
/// <param name="Error">Why it did not start (for people), when it did not.</param>
/// <param name="Conflict">Whether it did not start because another rollout of the model is running.</param>
public sealed record RolloutStartResult(string? RolloutId, string? Error, bool Conflict = false)
{
    /// <summary>Whether the rollout started.</summary>
    public bool Started => RolloutId is not null;
}
