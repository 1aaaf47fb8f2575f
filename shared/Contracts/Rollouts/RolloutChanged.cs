namespace Contracts.Rollouts;

/// <summary>
/// A rollout started, moved a step, paused, resumed, was promoted or rolled back, or its bandit arms were updated.
/// Published by the Retrainer. Every service that follows the served models asks the registry again when it hears
/// it (each replica has its own queue), so Inference replicas route by the new <see cref="ModelRoute"/>.
/// </summary>
/// <param name="ModelName">The model.</param>
/// <param name="RolloutId">The rollout.</param>
/// <param name="Strategy">One of <see cref="RolloutStrategies"/>.</param>
/// <param name="State">The rollout's state after the change: <c>running</c>, <c>paused</c>, <c>promoted</c> or <c>rolled-back</c>.</param>
/// <param name="ChampionVersion">The champion after the change.</param>
/// <param name="ChallengerVersion">The version being rolled out.</param>
/// <param name="ChallengerShare">The challenger's share after the change (see <see cref="ModelRoute.ChallengerShare"/>).</param>
/// <param name="Reason">Why, for people (e.g. <c>step 2 of 4 passed: error rate 0.000 vs 0.000 …</c>).</param>
/// <param name="ChangedAt">When the Retrainer made the change.</param>
public sealed record RolloutChanged(
    string ModelName,
    string RolloutId,
    string Strategy,
    string State,
    string ChampionVersion,
    string ChallengerVersion,
    double ChallengerShare,
    string Reason,
    DateTimeOffset ChangedAt);
