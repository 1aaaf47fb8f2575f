using System.Globalization;
using Contracts.Rollouts;
using Modeling.Statistics;

namespace Inference.Runtime;

/// <summary>
/// Picks the version that answers a record by the model's route: the champion; for <c>ab</c> and <c>canary</c> the
/// challenger when the record's entity key falls below the challenger's share (<see cref="StickyBucket"/>: the same key
/// gets the same version on every replica; a record without a key uses its prediction id); for <c>bandit</c> the arm with
/// the highest draw from Beta(1 + successes, 1 + failures) (Thompson sampling). A shadow rollout's champion answers
/// everything (<see cref="ShadowsRequest"/> says whether the challenger also scores a request). The draws come from the
/// <see cref="Random"/> the caller passes (the process's one source, seeded by <c>Randomness__Seed</c>).
/// </summary>
public static class TrafficRouter
{
    /// <summary>The version that answers a record.</summary>
    public static LoadedModel Choose(ServedModelState state, string? entityKey, Guid predictionId, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Challenger is not { } challenger)
            return state.Champion;
        return ChallengerAnswers(state.Route, state.Champion.Version, challenger.Version, entityKey, predictionId, random) ? challenger : state.Champion;
    }

    /// <summary>
    /// Whether <paramref name="route"/> gives a record to its challenger (<paramref name="challengerVersion"/>) rather
    /// than to the champion (<paramref name="championVersion"/>).
    /// </summary>
    public static bool ChallengerAnswers(ModelRoute route, string championVersion, string challengerVersion, string? entityKey, Guid predictionId, Random random)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(random);
        if (route.RolloutId is not { } rolloutId)
            return false;
        switch (route.Strategy)
        {
            case RolloutStrategies.AB or RolloutStrategies.Canary:
                var key = string.IsNullOrEmpty(entityKey) ? predictionId.ToString("N") : entityKey;
                return StickyBucket.Of(rolloutId, key) < route.ChallengerShare;
            case RolloutStrategies.Bandit:
                var championArm = route.Arms?.FirstOrDefault(arm => arm.Version == championVersion);
                var challengerArm = route.Arms?.FirstOrDefault(arm => arm.Version == challengerVersion);
                var championDraw = BetaDistribution.Sample(random, 1 + (championArm?.Successes ?? 0), 1 + (championArm?.Failures ?? 0));
                var challengerDraw = BetaDistribution.Sample(random, 1 + (challengerArm?.Successes ?? 0), 1 + (challengerArm?.Failures ?? 0));
                return challengerDraw > championDraw;
            default:
                return false;
        }
    }

    /// <summary>Whether the challenger of a shadow rollout also scores this request (off the response path).</summary>
    public static bool ShadowsRequest(ServedModelState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Challenger is not null && Shadows(state.Route, random);
    }

    /// <summary>Whether <paramref name="route"/>, a shadow rollout's, has its challenger score a request too.</summary>
    public static bool Shadows(ModelRoute route, Random random)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(random);
        return route.Strategy == RolloutStrategies.Shadow && random.NextDouble() < route.ChallengerShare;
    }

    /// <summary>
    /// The route in words, as a replica logs it when it changes: <c>champion 1</c>, or e.g.
    /// <c>bandit 1 against 5 (rollout …): arms 1 0/10, 5 40/40</c> (successes / outcomes per version).
    /// </summary>
    public static string Describe(ModelRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (route.RolloutId is null || route.ChallengerVersion is null)
            return $"champion {route.ChampionVersion}";
        var described = $"{route.Strategy} {route.ChampionVersion} against {route.ChallengerVersion} (rollout {route.RolloutId})";
        if (route.Strategy == RolloutStrategies.Bandit)
            return described + ": arms " + string.Join(", ", (route.Arms ?? []).Select(arm =>
                string.Create(CultureInfo.InvariantCulture, $"{arm.Version} {arm.Successes}/{arm.Successes + arm.Failures}")));
        return described + string.Create(CultureInfo.InvariantCulture, $": challenger share {route.ChallengerShare:0.###}");
    }
}
