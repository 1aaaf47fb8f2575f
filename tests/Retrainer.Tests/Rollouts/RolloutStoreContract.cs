using System.Text.Json;
using Contracts.Rollouts;
using Retrainer.Rollouts;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// What <see cref="RolloutStore"/> must do on either database. Each database's test class says how to open a store on the test's own
/// (at first empty) data and how to open it again, as after a restart.
/// </summary>
public abstract class RolloutStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A store on this test's data.</summary>
    protected abstract RolloutStore CreateStore();

    /// <summary>A new store object on the same data.</summary>
    protected abstract RolloutStore Reopen(RolloutStore store);

    [SkippableFact]
    public async Task A_saved_rollout_comes_back_whole_after_a_restart()
    {
        var store = CreateStore();
        var rollout = Rollout("a", "flight-delay", RolloutState.Running, Start) with
        {
            Strategy = RolloutStrategies.Canary,
            Steps = [0.05, 0.25, 1],
            StepIndex = 1,
            Share = 0.25,
            Arms = [new BanditArm("1", 3, 4)],
            History = [new RolloutEvent(Start, "started", 0.05, "canary"), new RolloutEvent(Start.AddMinutes(5), "step", 0.25, "passed: error rate 0.000 vs 0.000")],
        };

        await store.SaveAsync(rollout, None);
        var found = await Reopen(store).FindAsync("flight-delay", "a", None);

        Assert.NotNull(found);
        Assert.Equal(JsonSerializer.Serialize(rollout), JsonSerializer.Serialize(found));
    }

    [SkippableFact]
    public async Task Saving_again_replaces_the_rollout_and_an_ended_one_is_no_longer_active()
    {
        var store = CreateStore();
        var running = Rollout("a", "flight-delay", RolloutState.Running, Start);
        await store.SaveAsync(running, None);
        Assert.Equal(["a"], (await store.ActiveAsync(None)).Select(rollout => rollout.RolloutId));

        await store.SaveAsync(running with { State = RolloutState.Promoted, EndedAt = Start.AddHours(1) }, None);

        Assert.Empty(await store.ActiveAsync(None));
        var found = await store.FindAsync("flight-delay", "a", None);
        Assert.Equal(RolloutState.Promoted, found!.State);
        Assert.Single(await store.ListAsync("flight-delay", 10, None));
    }

    [SkippableFact]
    public async Task Rollouts_are_listed_per_model_newest_first_up_to_the_limit_and_found_only_under_their_model()
    {
        var store = CreateStore();
        await store.SaveAsync(Rollout("old", "flight-delay", RolloutState.RolledBack, Start), None);
        await store.SaveAsync(Rollout("new", "flight-delay", RolloutState.Paused, Start.AddDays(1)), None);
        await store.SaveAsync(Rollout("mid", "flight-delay", RolloutState.Promoted, Start.AddHours(1)), None);
        await store.SaveAsync(Rollout("other", "churn", RolloutState.Running, Start.AddHours(2)), None);

        Assert.Equal(["new", "mid", "old"], (await store.ListAsync("flight-delay", 10, None)).Select(rollout => rollout.RolloutId));
        Assert.Equal(["new", "mid"], (await store.ListAsync("flight-delay", 2, None)).Select(rollout => rollout.RolloutId));
        Assert.Equal(["other", "new"], (await store.ActiveAsync(None)).Select(rollout => rollout.RolloutId).Order(StringComparer.Ordinal).Reverse());
        Assert.Null(await store.FindAsync("churn", "new", None));
        Assert.Empty(await store.ListAsync("nothing", 10, None));
    }

    private static Rollout Rollout(string id, string model, RolloutState state, DateTimeOffset startedAt) => new()
    {
        RolloutId = id,
        ModelName = model,
        Strategy = RolloutStrategies.AB,
        State = state,
        ChampionVersion = "1",
        ChallengerVersion = "2",
        Share = 0.5,
        StepStartedAt = startedAt,
        StartedBy = "manual",
        StartedAt = startedAt,
    };
}
