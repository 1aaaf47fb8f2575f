namespace Contracts.Rollouts;

/// <summary>
/// How a model's traffic is split between its versions right now: the champion, and while a rollout runs its
/// challenger with the rollout's strategy. The Retrainer decides it; every Inference replica routes by it (it
/// travels in <c>ServedModelsResponse.Routes</c>, fetched again whenever <see cref="RolloutChanged"/> is heard).
/// </summary>
/// <param name="ModelName">URL-safe model name, e.g. <c>flight-delay</c>.</param>
/// <param name="ChampionVersion">The version that answers unless the strategy picks the challenger. FeatureBuilder featurizes by its card.</param>
/// <param name="RolloutId">The running rollout, or null when the champion takes all traffic.</param>
/// <param name="Strategy">One of <see cref="RolloutStrategies"/> while a rollout runs, else null.</param>
/// <param name="ChallengerVersion">The version being rolled out, or null.</param>
/// <param name="ChallengerShare">
/// Between 0 and 1. <c>ab</c> and <c>canary</c>: the share of entity keys answered by the challenger (sticky, see
/// <see cref="StickyBucket"/>); <c>shadow</c>: the share of requests the challenger also scores, off the response path;
/// <c>bandit</c>: unused (the arms decide).
/// </param>
/// <param name="Arms"><c>bandit</c> only: the reward counts of each version, for Thompson sampling.</param>
public sealed record ModelRoute(
    string ModelName,
    string ChampionVersion,
    string? RolloutId = null,
    string? Strategy = null,
    string? ChallengerVersion = null,
    double ChallengerShare = 0,
    IReadOnlyList<BanditArm>? Arms = null);

/// <summary>
/// One arm of a bandit rollout: a version and the rewards its predictions earned so far (an outcome that
/// matches the prediction is a success). Inference draws from Beta(1 + successes, 1 + failures) per arm and
/// lets the highest draw answer.
/// </summary>
/// <param name="Version">The version.</param>
/// <param name="Successes">Rewarded predictions.</param>
/// <param name="Failures">Unrewarded predictions.</param>
public sealed record BanditArm(string Version, double Successes, double Failures);
