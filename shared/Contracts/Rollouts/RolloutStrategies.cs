namespace Contracts.Rollouts;

/// <summary>The rollout strategies (the values of <see cref="ModelRoute.Strategy"/> and of a rollout's <c>strategy</c>).</summary>
public static class RolloutStrategies
{
    /// <summary>Replace: the new version becomes champion at once.</summary>
    public const string SingleVersion = "single";

    /// <summary>The challenger scores a share of requests off the response path; the champion answers all.</summary>
    public const string Shadow = "shadow";

    /// <summary>A fixed share of entity keys is answered by the challenger, sticky per key.</summary>
    public const string AB = "ab";

    /// <summary>The challenger's share grows in steps, each checked against the champion; then promotion or rollback.</summary>
    public const string Canary = "canary";

    /// <summary>Thompson sampling between the versions on rewards from outcomes.</summary>
    public const string Bandit = "bandit";

    /// <summary>Every strategy, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All = [SingleVersion, Shadow, AB, Canary, Bandit];
}
