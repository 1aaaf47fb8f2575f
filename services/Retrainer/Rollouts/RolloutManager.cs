using System.Globalization;
using Contracts.Rollouts;
using MassTransit;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Retrainer.Registry;

namespace Retrainer.Rollouts;

/// <summary>
/// Starts rollouts and moves them through their states: pause, resume, the canary's next step, the bandit's arms,
/// promotion (the <c>champion</c> alias moves to the challenger) and rollback. Every change is stored whole, then
/// announced with <see cref="RolloutChanged"/>, so every Inference replica routes by it. Changes are serialized in
/// this process (the Retrainer runs one instance). While a rollout runs its version carries the <c>challenger</c> alias.
/// </summary>
public sealed class RolloutManager(
    RolloutStore store,
    ModelRegistry registry,
    IRolloutEvents events,
    IOptions<RolloutOptions> options,
    TimeProvider time) : IRolloutStarter, IDisposable
{
    private readonly SemaphoreSlim _changes = new(1, 1);

    // The running and paused rollouts: read from the store once, then kept by every change (all of them go through this
    // class, one at a time, in the Retrainer's one instance). The evidence consumers ask on every message; a database
    // query per outcome or metrics report would be a round trip per event.
    private IReadOnlyList<Rollout>? _active;

    /// <inheritdoc />
    public async Task<RolloutStartResult> StartAsync(RolloutStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!RolloutStrategies.All.Contains(start.Strategy))
            return new RolloutStartResult(null, $"Unknown strategy '{start.Strategy}'; one of {string.Join(", ", RolloutStrategies.All)}.");
        if (start.Share is { } share && !(share is > 0 and <= 1))
            return new RolloutStartResult(null, $"The share must be in (0, 1], not {share.ToString(CultureInfo.InvariantCulture)}.");
        if (start.Steps is { } steps && RolloutOptions.StepsProblem(steps) is { } problem)
            return new RolloutStartResult(null, "The steps " + problem);

        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await registry.ServedVersionAsync(start.ModelName, cancellationToken) is not { } champion)
                return new RolloutStartResult(null, $"Model '{start.ModelName}' has no version that serves traffic.");
            if (await registry.DescribeAsync(start.ModelName, start.Version, cancellationToken) is not { } challenger)
                return new RolloutStartResult(null, $"Model '{start.ModelName}' has no version '{start.Version}'.");
            if (StrategyProblem(start.Strategy, challenger.Card.Task) is { } unfit)
                return new RolloutStartResult(null, $"Version {start.Version} of '{start.ModelName}': {unfit}");

            if (start.Version == champion)
                return new RolloutStartResult(null, $"Version {start.Version} is already the champion of '{start.ModelName}'.", Conflict: true);
            if ((await ActiveWhileChangingAsync(cancellationToken)).FirstOrDefault(active => active.ModelName == start.ModelName) is { } running)
                return new RolloutStartResult(null, $"Rollout {running.RolloutId} of '{start.ModelName}' ({running.Strategy}, version {running.ChallengerVersion}) is {running.State.Name()}; promote or roll it back first.", Conflict: true);

            var now = time.GetUtcNow();
            var settings = options.Value;
            var canarySteps = start.Strategy == RolloutStrategies.Canary ? start.Steps ?? settings.EffectiveCanarySteps : [];
            var rollout = new Rollout
            {
                RolloutId = NewId.NextSequentialGuid().ToString("N"),
                ModelName = start.ModelName,
                Strategy = start.Strategy,
                State = RolloutState.Running,
                ChampionVersion = champion,
                ChallengerVersion = start.Version,
                Share = start.Strategy switch
                {
                    RolloutStrategies.Shadow => start.Share ?? settings.ShadowShare,
                    RolloutStrategies.AB => start.Share ?? settings.ABShare,
                    RolloutStrategies.Canary => canarySteps[0],
                    _ => 0,
                },
                Steps = canarySteps,
                StepStartedAt = now,
                StartedBy = start.StartedBy,
                StartedAt = now,
                Arms = start.Strategy == RolloutStrategies.Bandit ? [new BanditArm(champion, 0, 0), new BanditArm(start.Version, 0, 0)] : [],
            };
            rollout = rollout.With(new RolloutEvent(now, "started", rollout.Share, StartReason(rollout)));

            if (start.Strategy == RolloutStrategies.SingleVersion)
            {
                // Replace: the version becomes champion at once.
                await registry.SetAliasAsync(start.ModelName, AliasNames.Champion, start.Version, cancellationToken);
                rollout = Ended(rollout, RolloutState.Promoted, now, $"single: version {start.Version} replaced {champion}");
                await SaveAsync(rollout, cancellationToken);
                await AnnounceAsync(rollout, rollout.History[^1].Reason, cancellationToken);
                return new RolloutStartResult(rollout.RolloutId, null);
            }

            // Stored first: the served models answer (asked when the alias change is heard) includes the challenger.
            await SaveAsync(rollout, cancellationToken);
            await registry.SetAliasAsync(start.ModelName, AliasNames.Challenger, start.Version, cancellationToken);
            await AnnounceAsync(rollout, rollout.History[^1].Reason, cancellationToken);
            return new RolloutStartResult(rollout.RolloutId, null);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Why <paramref name="strategy"/> cannot roll out a model of <paramref name="task"/>, or null when it can.</summary>
    public static string? StrategyProblem(string strategy, ModelTask task) =>
        strategy == RolloutStrategies.Bandit && task == ModelTask.Regression
            ? "a bandit rewards right and wrong predictions, and a regression's are neither; roll it out as a canary, A/B test or shadow."
            : null;

    /// <summary>The model's rollouts, newest first.</summary>
    public Task<IReadOnlyList<Rollout>> ListAsync(string modelName, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(modelName, limit, cancellationToken);

    /// <summary>One rollout, or null.</summary>
    public Task<Rollout?> FindAsync(string modelName, string rolloutId, CancellationToken cancellationToken) =>
        store.FindAsync(modelName, rolloutId, cancellationToken);

    /// <summary>Every running or paused rollout, by model name.</summary>
    public async Task<IReadOnlyList<Rollout>> ActiveAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _active) is { } active)
            return active;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            return await ActiveWhileChangingAsync(cancellationToken);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Holds a running rollout where it is: routing stays, a canary stops moving.</summary>
    public Task<RolloutChange> PauseAsync(string modelName, string rolloutId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(modelName, rolloutId, (rollout, now) => rollout.State != RolloutState.Running
            ? Refused(rollout, $"only a running rollout can be paused; this one is {rollout.State.Name()}")
            : (rollout with { State = RolloutState.Paused }).With(new RolloutEvent(now, "paused", rollout.Share, reason)), null, cancellationToken);

    /// <summary>Lets a paused rollout move on; a canary's current step starts its hold again.</summary>
    public Task<RolloutChange> ResumeAsync(string modelName, string rolloutId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(modelName, rolloutId, (rollout, now) => rollout.State != RolloutState.Paused
            ? Refused(rollout, $"only a paused rollout can be resumed; this one is {rollout.State.Name()}")
            : (rollout with { State = RolloutState.Running, StepStartedAt = now }).With(new RolloutEvent(now, "resumed", rollout.Share, reason)), null, cancellationToken);

    /// <summary>Makes the challenger the champion and ends the rollout.</summary>
    public async Task<RolloutChange> PromoteAsync(string modelName, string rolloutId, string reason, CancellationToken cancellationToken)
    {
        var change = await ChangeAsync(modelName, rolloutId, (rollout, now) => !rollout.IsActive
            ? Refused(rollout, $"the rollout has ended ({rollout.State.Name()})")
            : Ended(rollout, RolloutState.Promoted, now, reason),
            async (rollout, token) =>
            {
                await registry.SetAliasAsync(rollout.ModelName, AliasNames.Champion, rollout.ChallengerVersion, token);
                await registry.RemoveAliasAsync(rollout.ModelName, AliasNames.Challenger, token);
            }, cancellationToken);
        return change;
    }

    /// <summary>Gives the champion all traffic back and ends the rollout.</summary>
    public Task<RolloutChange> RollbackAsync(string modelName, string rolloutId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(modelName, rolloutId, (rollout, now) => !rollout.IsActive
            ? Refused(rollout, $"the rollout has ended ({rollout.State.Name()})")
            : Ended(rollout, RolloutState.RolledBack, now, reason),
            (rollout, token) => registry.RemoveAliasAsync(rollout.ModelName, AliasNames.Challenger, token), cancellationToken);

    /// <summary>Moves a running canary to its next step (the caller checked the current one passed).</summary>
    public Task<RolloutChange> NextStepAsync(string modelName, string rolloutId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(modelName, rolloutId, (rollout, now) =>
        {
            if (rollout.State != RolloutState.Running || rollout.Strategy != RolloutStrategies.Canary || rollout.StepIndex + 1 >= rollout.Steps.Count)
                return Refused(rollout, "only a running canary below its last step can move on");
            var next = rollout.StepIndex + 1;
            return (rollout with { StepIndex = next, Share = rollout.Steps[next], StepStartedAt = now })
                .With(new RolloutEvent(now, "step", rollout.Steps[next], reason));
        }, null, cancellationToken);

    /// <summary>Sets a running bandit's arms (announced, so replicas sample by them; not added to the history).</summary>
    public Task<RolloutChange> UpdateArmsAsync(string modelName, string rolloutId, IReadOnlyList<BanditArm> arms, CancellationToken cancellationToken) =>
        ChangeAsync(modelName, rolloutId, (rollout, _) => rollout.State != RolloutState.Running || rollout.Strategy != RolloutStrategies.Bandit
            ? Refused(rollout, "only a running bandit has arms")
            : rollout with { Arms = arms }, null, cancellationToken);

    /// <summary>Adds an analysis verdict to the history without changing the routing (not announced).</summary>
    public async Task NoteAsync(Rollout rollout, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await store.FindAsync(rollout.ModelName, rollout.RolloutId, cancellationToken) is { IsActive: true } current)
                await SaveAsync(current.With(new RolloutEvent(time.GetUtcNow(), "analysis", current.Share, reason)), cancellationToken);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _changes.Dispose();

    private async Task<RolloutChange> ChangeAsync(
        string modelName,
        string rolloutId,
        Func<Rollout, DateTimeOffset, Rollout> change,
        Func<Rollout, CancellationToken, Task>? beforeSaving,
        CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await store.FindAsync(modelName, rolloutId, cancellationToken) is not { } rollout)
                return new RolloutChange(RolloutChangeOutcome.NotFound, null);
            Rollout changed;
            try
            {
                changed = change(rollout, time.GetUtcNow());
            }
            catch (RefusedException refused)
            {
                return new RolloutChange(RolloutChangeOutcome.Conflict, rollout, refused.Message);
            }

            // The registry first: whoever reads the saved state (promoted, rolled back) finds the aliases already moved,
            // and a crash in between leaves the rollout active, to be ended again (moving an alias twice changes nothing).
            if (beforeSaving is not null)
                await beforeSaving(changed, cancellationToken);
            await SaveAsync(changed, cancellationToken);
            await AnnounceAsync(changed, changed.History.Count > rollout.History.Count ? changed.History[^1].Reason : "bandit arms updated", cancellationToken);
            return new RolloutChange(RolloutChangeOutcome.Changed, changed);
        }
        finally
        {
            _changes.Release();
        }
    }

    // Holding _changes: the active rollouts, read from the store the first time.
    private async Task<IReadOnlyList<Rollout>> ActiveWhileChangingAsync(CancellationToken cancellationToken)
    {
        if (_active is null)
            Volatile.Write(ref _active, await store.ActiveAsync(cancellationToken));
        return _active!;
    }

    // Holding _changes: stores the rollout and keeps the active ones in step.
    private async Task SaveAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var active = await ActiveWhileChangingAsync(cancellationToken);
        await store.SaveAsync(rollout, cancellationToken);
        Volatile.Write(ref _active, [.. active.Where(other => other.RolloutId != rollout.RolloutId)
            .Concat(rollout.IsActive ? [rollout] : [])
            .OrderBy(other => other.ModelName, StringComparer.Ordinal)]);
    }

    private Task AnnounceAsync(Rollout rollout, string reason, CancellationToken cancellationToken) =>
        events.ChangedAsync(new RolloutChanged(
            rollout.ModelName,
            rollout.RolloutId,
            rollout.Strategy,
            rollout.State.Name(),
            rollout.State == RolloutState.Promoted ? rollout.ChallengerVersion : rollout.ChampionVersion,
            rollout.ChallengerVersion,
            rollout.Share,
            reason,
            time.GetUtcNow()), cancellationToken);

    private static Rollout Ended(Rollout rollout, RolloutState state, DateTimeOffset now, string reason)
    {
        var share = state == RolloutState.Promoted ? 1 : 0;
        return (rollout with { State = state, Share = share, EndedAt = now }).With(new RolloutEvent(now, state.Name(), share, reason));
    }

    private static Rollout Refused(Rollout rollout, string reason) => throw new RefusedException($"Rollout {rollout.RolloutId}: {reason}.");

    private static string StartReason(Rollout rollout) => rollout.Strategy switch
    {
        RolloutStrategies.Shadow => Invariant($"shadow: version {rollout.ChallengerVersion} also scores {rollout.Share:P0} of requests beside {rollout.ChampionVersion}"),
        RolloutStrategies.AB => Invariant($"A/B: version {rollout.ChallengerVersion} answers {rollout.Share:P0} of entity keys, {rollout.ChampionVersion} the rest"),
        RolloutStrategies.Canary => Invariant($"canary: version {rollout.ChallengerVersion} in steps {string.Join(" → ", rollout.Steps.Select(step => step.ToString("P0", CultureInfo.InvariantCulture)))}"),
        RolloutStrategies.Bandit => Invariant($"bandit: Thompson sampling between {rollout.ChampionVersion} and {rollout.ChallengerVersion}"),
        _ => Invariant($"single: version {rollout.ChallengerVersion} replaces {rollout.ChampionVersion}"),
    } + $" (started by {rollout.StartedBy})";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class RefusedException(string message) : Exception(message);
}
