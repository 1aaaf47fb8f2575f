namespace ServiceDefaults.Randomness;

/// <summary>Where the platform's random choices come from (section <c>Randomness</c>).</summary>
public sealed class RandomnessOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Randomness";

    /// <summary>
    /// A seed for every random choice of the process (Thompson sampling of a bandit rollout, which requests a shadow
    /// scores, the Retrainer's estimate that a bandit's challenger is better), so that a run can be repeated. Default:
    /// none, the choices come from <see cref="Random.Shared"/>. Env: <c>Randomness__Seed</c>.
    /// </summary>
    public int? Seed { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Errors() => [];
}
