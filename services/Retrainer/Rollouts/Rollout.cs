using System.Text.Json;
using System.Text.Json.Serialization;
using Contracts.Rollouts;

namespace Retrainer.Rollouts;

/// <summary>
/// A rollout of one model version (the challenger) against the model's champion: its strategy, where it stands, and
/// everything that happened to it. Stored whole (<see cref="RolloutStore"/>) after every change.
/// </summary>
public sealed record Rollout
{
    /// <summary>Unique id.</summary>
    public required string RolloutId { get; init; }

    /// <summary>The model.</summary>
    public required string ModelName { get; init; }

    /// <summary>One of <see cref="RolloutStrategies"/>.</summary>
    public required string Strategy { get; init; }

    /// <summary>Where it stands.</summary>
    public required RolloutState State { get; init; }

    /// <summary>The champion when the rollout started (and, once promoted, the version it replaced).</summary>
    public required string ChampionVersion { get; init; }

    /// <summary>The version rolled out.</summary>
    public required string ChallengerVersion { get; init; }

    /// <summary>
    /// The challenger's share now: of entity keys (<c>ab</c>, <c>canary</c>) or of requests also scored in the shadow
    /// (<c>shadow</c>); 1 once promoted, 0 once rolled back.
    /// </summary>
    public double Share { get; init; }

    /// <summary><c>canary</c>: the shares of the steps, in order, the last being 1.</summary>
    public IReadOnlyList<double> Steps { get; init; } = [];

    /// <summary><c>canary</c>: the index of the current step in <see cref="Steps"/>.</summary>
    public int StepIndex { get; init; }

    /// <summary>When the current step (or the rollout) started or was resumed: a step is held at least the minimum time from here.</summary>
    public DateTimeOffset StepStartedAt { get; init; }

    /// <summary><c>manual</c>, or <c>retraining:&lt;job id&gt;</c>.</summary>
    public required string StartedBy { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it was promoted or rolled back.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary><c>bandit</c>: the arms' reward counts as last broadcast.</summary>
    public IReadOnlyList<BanditArm> Arms { get; init; } = [];

    /// <summary>What happened, oldest first.</summary>
    public IReadOnlyList<RolloutEvent> History { get; init; } = [];

    /// <summary>Whether it still decides traffic (running or paused).</summary>
    public bool IsActive => State is RolloutState.Running or RolloutState.Paused;

    /// <summary>This rollout with <paramref name="change"/> appended to its history.</summary>
    public Rollout With(RolloutEvent change) => this with { History = [.. History, change] };
}

/// <summary>One entry of a rollout's history.</summary>
/// <param name="At">When.</param>
/// <param name="Event"><c>started</c>, <c>step</c>, <c>analysis</c>, <c>paused</c>, <c>resumed</c>, <c>arms</c>, <c>promoted</c> or <c>rolled-back</c>.</param>
/// <param name="Share">The challenger's share after it.</param>
/// <param name="Reason">Why, with the numbers that decided it.</param>
public sealed record RolloutEvent(DateTimeOffset At, string Event, double Share, string Reason);

/// <summary>The states of a <see cref="Rollout"/>; in JSON and messages <c>running</c>, <c>paused</c>, <c>promoted</c>, <c>rolled-back</c>.</summary>
public enum RolloutState
{
    /// <summary>Routing by the strategy; a canary moves on by itself.</summary>
    Running,

    /// <summary>Routing as it was when paused; nothing moves until resumed.</summary>
    Paused,

    /// <summary>The challenger became champion.</summary>
    Promoted,

    /// <summary>The champion took all traffic back.</summary>
    [JsonStringEnumMemberName("rolled-back")]
    RolledBack,
}

/// <summary>The names of <see cref="RolloutState"/> at the edges (messages, the API, history events).</summary>
public static class RolloutStateNames
{
    /// <summary>The state's name: <c>running</c>, <c>paused</c>, <c>promoted</c> or <c>rolled-back</c>.</summary>
    public static string Name(this RolloutState state) => JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());
}
