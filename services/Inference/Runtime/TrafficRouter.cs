using Contracts.Rollouts;
using Modeling.Statistics;

namespace Inference.Runtime;

/// <summary>
/// Picks the version that answers a record by the model's route: the champion; for <c>ab</c> and <c>canary</c> the
/// challenger when the record's entity key falls below the challenger's share (<see cref="StickyBucket"/>: the same key
/// gets the same version on every replica; a record without a key uses its prediction id); for <c>bandit</c> the arm with
/// the highest draw from Beta(1 + successes, 1 + failures) (Thompson sampling). A shadow rollout's champion answers
/// everything (<see cref="ShadowsRequest"/> says whether the challenger also scores a request).
/// </summary>
public static class TrafficRouter
{
    /// <summary>The version that answers a record.</summary>
    public static LoadedModel Choose(ServedModelState state, string? entityKey, Guid predictionId, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        var route = state.Route;
        if (state.Challenger is not { } challenger || route.RolloutId is not { } rolloutId)
            return state.Champion;
        switch (route.Strategy)
        {
            case RolloutStrategies.AB or RolloutStrategies.Canary:
                var key = string.IsNullOrEmpty(entityKey) ? predictionId.ToString("N") : entityKey;
                return StickyBucket.Of(rolloutId, key) < route.ChallengerShare ? challenger : state.Champion;
            case RolloutStrategies.Bandit:
                var championArm = route.Arms?.FirstOrDefault(arm => arm.Version == state.Champion.Version);
                var challengerArm = route.Arms?.FirstOrDefault(arm => arm.Version == challenger.Version);
                var championDraw = BetaDistribution.Sample(random, 1 + (championArm?.Successes ?? 0), 1 + (championArm?.Failures ?? 0));
                var challengerDraw = BetaDistribution.Sample(random, 1 + (challengerArm?.Successes ?? 0), 1 + (challengerArm?.Failures ?? 0));
                return challengerDraw > championDraw ? challenger : state.Champion;
            default:
                return state.Champion;
        }
    }

    /// <summary>Whether the challenger of a shadow rollout also scores this request (off the response path).</summary>
    public static bool ShadowsRequest(ServedModelState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        return state.Challenger is not null && state.Route.Strategy == RolloutStrategies.Shadow && random.NextDouble() < state.Route.ChallengerShare;
    }
}
