using Contracts.Rollouts;
using Retrainer.Rollouts;

namespace Retrainer.Endpoints;

/// <summary>The body of <c>POST /api/v1/models/{model}/rollouts</c>.</summary>
/// <param name="Version">The registered version to roll out.</param>
/// <param name="Strategy"><c>single</c>, <c>shadow</c>, <c>ab</c>, <c>canary</c> or <c>bandit</c>.</param>
/// <param name="Share">shadow: share of requests also scored; ab: the challenger's share of entity keys.</param>
/// <param name="Steps">canary: the challenger's shares in order, ending at 1.</param>
public sealed record RolloutStartBody(string? Version, string? Strategy, double? Share, IReadOnlyList<double>? Steps);

/// <summary>The optional body of the pause, resume, promote and rollback actions.</summary>
/// <param name="Reason">Why, for the history: at most 500 characters, no control characters.</param>
public sealed record RolloutActionBody(string? Reason);

/// <summary>A model's rollouts.</summary>
public sealed record RolloutList(IReadOnlyList<RolloutView> Rollouts);

/// <summary>A rollout as the API shows it.</summary>
public sealed record RolloutView(
    string RolloutId,
    string Model,
    string Strategy,
    string State,
    string ChampionVersion,
    string ChallengerVersion,
    double ChallengerShare,
    RolloutStepView? Step,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<BanditArm> Arms,
    RolloutLiveView Live,
    IReadOnlyList<RolloutEvent> History)
{
    /// <summary>The view of <paramref name="rollout"/> with the live numbers this process has counted.</summary>
    public static RolloutView Of(Rollout rollout, RolloutEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(evidence);
        return new RolloutView(
            rollout.RolloutId,
            rollout.ModelName,
            rollout.Strategy,
            rollout.State.Name(),
            rollout.ChampionVersion,
            rollout.ChallengerVersion,
            rollout.Share,
            rollout.Strategy == RolloutStrategies.Canary ? new RolloutStepView(rollout.StepIndex + 1, rollout.Steps.Count, rollout.Share, rollout.StepStartedAt) : null,
            rollout.StartedBy,
            rollout.StartedAt,
            rollout.EndedAt,
            rollout.Arms,
            new RolloutLiveView(evidence.Of(rollout.RolloutId, rollout.ChampionVersion), evidence.Of(rollout.RolloutId, rollout.ChallengerVersion)),
            rollout.History);
    }
}

/// <summary>A canary's current step.</summary>
/// <param name="Index">1-based.</param>
/// <param name="Of">How many steps.</param>
/// <param name="Share">The challenger's share in it.</param>
/// <param name="StartedAt">When it started (or was resumed).</param>
public sealed record RolloutStepView(int Index, int Of, double Share, DateTimeOffset StartedAt);

/// <summary>Both versions' live numbers (counted since this Retrainer process started).</summary>
public sealed record RolloutLiveView(VersionLive Champion, VersionLive Challenger);
