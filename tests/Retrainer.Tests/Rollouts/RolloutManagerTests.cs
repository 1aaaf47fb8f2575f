using System.Text.Json;
using Contracts.Rollouts;
using Retrainer.Registry;
using Retrainer.Rollouts;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// Starting rollouts and moving them through their states on the real registry and store: what each strategy starts
/// with, what is refused, promotion moving the champion, rollback leaving it, and every change stored and announced.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class RolloutManagerTests(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [DemoDataFact]
    public async Task A_canary_starts_at_its_first_step_with_the_challenger_alias_and_is_announced_and_served()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);

        var started = await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual", Steps: [0.1, 0.5, 1]), None);

        Assert.True(started.Started, started.Error);
        var rollout = (await system.Store.FindAsync("flight-delay", started.RolloutId!, None))!;
        Assert.Equal((RolloutState.Running, "1", "2", 0.1, 0), (rollout.State, rollout.ChampionVersion, rollout.ChallengerVersion, rollout.Share, rollout.StepIndex));
        Assert.Equal("2", (await system.Registry.AliasesAsync("flight-delay", None)).Single(alias => alias.Name == AliasNames.Challenger).Version);
        Assert.Equal("1", await system.Registry.ServedVersionAsync("flight-delay", None));
        var announced = Assert.Single(system.Announced.Changes);
        Assert.Equal((started.RolloutId, "running", "1", "2", 0.1), (announced.RolloutId, announced.State, announced.ChampionVersion, announced.ChallengerVersion, announced.ChallengerShare));
    }

    [DemoDataFact]
    public async Task Single_replaces_the_champion_at_once_and_ends()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);

        var started = await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", RolloutStrategies.SingleVersion, "manual"), None);

        Assert.True(started.Started, started.Error);
        Assert.Equal("3", await system.Registry.ServedVersionAsync("flight-delay", None));
        var rollout = (await system.Store.FindAsync("flight-delay", started.RolloutId!, None))!;
        Assert.Equal((RolloutState.Promoted, 1.0), (rollout.State, rollout.Share));
        Assert.Equal(["started", "promoted"], rollout.History.Select(change => change.Event));
        Assert.Equal(("3", "promoted"), (system.Announced.Changes.Single().ChampionVersion, system.Announced.Changes.Single().State));
        Assert.Empty(await system.Store.ActiveAsync(None));
    }

    [DemoDataFact]
    public async Task A_second_rollout_of_the_model_the_champion_itself_and_unknown_versions_or_strategies_are_refused()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var first = await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.AB, "manual"), None);

        var second = await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", RolloutStrategies.Shadow, "manual"), None);
        var champion = await system.Manager.StartAsync(new RolloutStart("flight-delay", "1", RolloutStrategies.Canary, "manual"), None);
        var unknown = await system.Manager.StartAsync(new RolloutStart("flight-delay", "9", RolloutStrategies.Canary, "manual"), None);
        var strategy = await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", "blue-green", "manual"), None);
        var steps = await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", RolloutStrategies.Canary, "manual", Steps: [0.5, 0.2]), None);

        Assert.True(first.Started);
        Assert.True(second is { Started: false, Conflict: true }, second.Error);
        Assert.Contains(first.RolloutId!, second.Error, StringComparison.Ordinal);
        Assert.True(champion is { Started: false, Conflict: true });
        Assert.False(unknown.Started);
        Assert.Contains("no version '9'", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("blue-green", strategy.Error, StringComparison.Ordinal);
        Assert.False(steps.Started);
        Assert.Single(await system.Store.ActiveAsync(None));
    }

    [DemoDataFact]
    public async Task The_active_rollouts_it_answers_follow_every_change_and_survive_a_restart_on_the_same_store()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        Assert.Empty(await system.Manager.ActiveAsync(None));

        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.AB, "manual"), None)).RolloutId!;
        Assert.Equal([(id, RolloutState.Running)], (await system.Manager.ActiveAsync(None)).Select(rollout => (rollout.RolloutId, rollout.State)));
        await system.Manager.PauseAsync("flight-delay", id, "test", None);
        Assert.Equal([(id, RolloutState.Paused)], (await system.Manager.ActiveAsync(None)).Select(rollout => (rollout.RolloutId, rollout.State)));
        Assert.Equal((await system.Store.ActiveAsync(None)).Select(rollout => JsonSerializer.Serialize(rollout)), (await system.Manager.ActiveAsync(None)).Select(rollout => JsonSerializer.Serialize(rollout)));

        // A Retrainer started again on the same store reads them from it.
        using var restarted = new RolloutManager(system.Store, system.Registry, system.Announced,
            Microsoft.Extensions.Options.Options.Create(new RolloutOptions()), system.Time);
        Assert.Equal([(id, RolloutState.Paused)], (await restarted.ActiveAsync(None)).Select(rollout => (rollout.RolloutId, rollout.State)));

        await restarted.RollbackAsync("flight-delay", id, "test", None);
        Assert.Empty(await restarted.ActiveAsync(None));
        Assert.Empty(await system.Store.ActiveAsync(None));
    }

    [DemoDataFact]
    public async Task Pause_resume_promote_and_rollback_follow_the_states_and_refuse_what_they_do_not_allow()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.AB, "manual", Share: 0.3), None)).RolloutId!;

        Assert.Equal(RolloutChangeOutcome.Conflict, (await system.Manager.ResumeAsync("flight-delay", id, "r", None)).Outcome);
        var paused = await system.Manager.PauseAsync("flight-delay", id, "looking", None);
        Assert.Equal((RolloutChangeOutcome.Changed, RolloutState.Paused, 0.3), (paused.Outcome, paused.Rollout!.State, paused.Rollout.Share));
        Assert.Equal(RolloutChangeOutcome.Conflict, (await system.Manager.PauseAsync("flight-delay", id, "again", None)).Outcome);
        system.Time.Now = system.Time.Now.AddMinutes(3);
        var resumed = await system.Manager.ResumeAsync("flight-delay", id, "go on", None);
        Assert.Equal((RolloutState.Running, system.Time.Now), (resumed.Rollout!.State, resumed.Rollout.StepStartedAt));

        var promoted = await system.Manager.PromoteAsync("flight-delay", id, "by hand", None);

        Assert.Equal(RolloutState.Promoted, promoted.Rollout!.State);
        Assert.Equal("2", await system.Registry.ServedVersionAsync("flight-delay", None));
        Assert.DoesNotContain(await system.Registry.AliasesAsync("flight-delay", None), alias => alias.Name == AliasNames.Challenger);
        Assert.Equal(RolloutChangeOutcome.Conflict, (await system.Manager.RollbackAsync("flight-delay", id, "too late", None)).Outcome);
        Assert.Equal(RolloutChangeOutcome.NotFound, (await system.Manager.PromoteAsync("flight-delay", "nope", "x", None)).Outcome);
        Assert.Equal(["started", "paused", "resumed", "promoted"], promoted.Rollout.History.Select(change => change.Event));
        Assert.Equal(["running", "paused", "running", "promoted"], system.Announced.Changes.Select(change => change.State));
    }

    [DemoDataFact]
    public async Task A_rollback_keeps_the_champion_and_frees_the_model_for_the_next_rollout()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), None)).RolloutId!;

        var rolledBack = await system.Manager.RollbackAsync("flight-delay", id, "worse", None);
        var next = await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", RolloutStrategies.Shadow, "manual"), None);

        Assert.Equal((RolloutState.RolledBack, 0.0), (rolledBack.Rollout!.State, rolledBack.Rollout.Share));
        Assert.Equal("1", await system.Registry.ServedVersionAsync("flight-delay", None));
        Assert.True(next.Started, next.Error);
        Assert.Equal("3", (await system.Registry.AliasesAsync("flight-delay", None)).Single(alias => alias.Name == AliasNames.Challenger).Version);
    }
}
