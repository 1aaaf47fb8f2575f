using Contracts.Rollouts;
using Retrainer.Rollouts;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// The controller moving rollouts by itself on the evidence it is given: a canary held until its minimum requests and
/// time (and, before it takes all traffic, for the outcomes its model metrics are compared on), then stepped, promoted
/// after its last step, or rolled back when the challenger errs, is slow or predicts worse;
/// a bandit's arms broadcast and its decision once one version is clearly better.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class RolloutControllerTests(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly double[] Bounds = [5, 10, 25, 50, 100];

    private static RolloutOptions Options => new() { MinRequests = 100, MinDuration = TimeSpan.FromMinutes(1), MinOutcomes = 50, MaxMetricDrop = 0.02 };

    [DemoDataFact]
    public async Task A_healthy_canary_waits_for_its_minimum_traffic_and_time_then_steps_up_and_is_promoted_after_its_last_step()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual", Steps: [0.1, 1]), None)).RolloutId!;

        Requests(system, id, "1", 900, errors: 0, fast: true);
        Requests(system, id, "2", 99, errors: 0, fast: true);
        system.Time.Now += TimeSpan.FromMinutes(2);
        await system.Controller.EvaluateAsync(None);
        Assert.Equal(0, (await system.Store.FindAsync("flight-delay", id, None))!.StepIndex); // 99 requests: not yet

        Requests(system, id, "2", 1, errors: 0, fast: true);
        Outcomes(system, id, "1", 50, informative: true);
        Outcomes(system, id, "2", 49, informative: true);
        await system.Controller.EvaluateAsync(None);
        Assert.Equal(0, (await system.Store.FindAsync("flight-delay", id, None))!.StepIndex); // 49 outcomes: not to all traffic yet

        Outcomes(system, id, "2", 1, informative: true);
        await system.Controller.EvaluateAsync(None);
        var stepped = (await system.Store.FindAsync("flight-delay", id, None))!;
        Assert.Equal((1, 1.0), (stepped.StepIndex, stepped.Share));
        Assert.StartsWith("step 1 of 2", stepped.History[^1].Reason, StringComparison.Ordinal);

        Requests(system, id, "2", 500, errors: 0, fast: true);
        await system.Controller.EvaluateAsync(None);
        Assert.Equal(1, (await system.Store.FindAsync("flight-delay", id, None))!.StepIndex); // the step's minimum time has not passed

        system.Time.Now += TimeSpan.FromMinutes(1);
        await system.Controller.EvaluateAsync(None);
        var promoted = (await system.Store.FindAsync("flight-delay", id, None))!;
        Assert.Equal(RolloutState.Promoted, promoted.State);
        Assert.Equal("2", await system.Registry.ServedVersionAsync("flight-delay", None));
        Assert.Contains("last step: promoted", promoted.History[^1].Reason, StringComparison.Ordinal);
    }

    [DemoDataFact]
    public async Task A_canary_whose_challenger_errs_is_rolled_back_with_the_numbers()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual"), None)).RolloutId!;

        Requests(system, id, "1", 1000, errors: 1, fast: true);
        Requests(system, id, "2", 200, errors: 10, fast: true);
        system.Time.Now += TimeSpan.FromMinutes(2);
        await system.Controller.EvaluateAsync(None);

        var rollout = (await system.Store.FindAsync("flight-delay", id, None))!;
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.Contains("error rate 0.050 is more than 0.010 above the champion's 0.001", rollout.History[^1].Reason, StringComparison.Ordinal);
        Assert.Equal("1", await system.Registry.ServedVersionAsync("flight-delay", None));
    }

    [DemoDataFact]
    public async Task A_canary_whose_challenger_is_slow_or_ranks_outcomes_worse_is_rolled_back()
    {
        using var slow = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var slowId = (await slow.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual"), None)).RolloutId!;
        Requests(slow, slowId, "1", 1000, errors: 0, fast: true);
        Requests(slow, slowId, "2", 200, errors: 0, fast: false);
        slow.Time.Now += TimeSpan.FromMinutes(2);
        await slow.Controller.EvaluateAsync(None);
        var slowRollout = (await slow.Store.FindAsync("flight-delay", slowId, None))!;
        Assert.Equal(RolloutState.RolledBack, slowRollout.State);
        Assert.Contains("p95 latency 100 ms is more than 1.5× the champion's 5 ms + 5 ms", slowRollout.History[^1].Reason, StringComparison.Ordinal);

        // The same latencies within a slack of 95 ms: 100 ≤ 1.5 × 5 + 95, the step passes.
        var tolerant = Options;
        tolerant.LatencySlack = TimeSpan.FromMilliseconds(95);
        using var slack = await RolloutTestSystem.StartAsync(fixture.Bundle, tolerant);
        var slackId = (await slack.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual"), None)).RolloutId!;
        Requests(slack, slackId, "1", 1000, errors: 0, fast: true);
        Requests(slack, slackId, "2", 200, errors: 0, fast: false);
        slack.Time.Now += TimeSpan.FromMinutes(2);
        await slack.Controller.EvaluateAsync(None);
        Assert.Equal(1, (await slack.Store.FindAsync("flight-delay", slackId, None))!.StepIndex);

        using var worse = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var worseId = (await worse.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual"), None)).RolloutId!;
        Requests(worse, worseId, "1", 1000, errors: 0, fast: true);
        Requests(worse, worseId, "2", 200, errors: 0, fast: true);
        Outcomes(worse, worseId, "1", 100, informative: true);
        Outcomes(worse, worseId, "2", 100, informative: false);
        worse.Time.Now += TimeSpan.FromMinutes(2);
        await worse.Controller.EvaluateAsync(None);
        var rollout = (await worse.Store.FindAsync("flight-delay", worseId, None))!;
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.Contains("live AUC 0.5000 is more than 0.02 below the champion's 1.0000", rollout.History[^1].Reason, StringComparison.Ordinal);
    }

    [DemoDataFact]
    public async Task A_bandit_broadcasts_its_arms_and_promotes_a_clearly_better_challenger()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), None)).RolloutId!;

        Rewards(system, id, "1", outcomes: 10, correct: 5);
        Rewards(system, id, "2", outcomes: 30, correct: 27);
        await system.Controller.EvaluateAsync(None);
        var running = (await system.Store.FindAsync("flight-delay", id, None))!;
        Assert.Equal(RolloutState.Running, running.State); // 40 outcomes together, fewer than 50: no decision yet
        Assert.Equal([new BanditArm("1", 5, 5), new BanditArm("2", 27, 3)], running.Arms);
        Assert.Equal(2, system.Announced.Changes.Count); // started, then the arms

        // The champion starved (few outcomes) but clearly worse: the posterior decides.
        Rewards(system, id, "1", outcomes: 2, correct: 1);
        Rewards(system, id, "2", outcomes: 20, correct: 18);
        await system.Controller.EvaluateAsync(None);

        var promoted = (await system.Store.FindAsync("flight-delay", id, None))!;
        Assert.Equal(RolloutState.Promoted, promoted.State);
        Assert.Contains("rewards 45/50 vs 6/12", promoted.History[^1].Reason, StringComparison.Ordinal);
        Assert.Equal("2", await system.Registry.ServedVersionAsync("flight-delay", None));
    }

    [DemoDataFact]
    public async Task A_bandit_rolls_back_a_clearly_worse_challenger_and_a_close_race_stays_open()
    {
        using var worse = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var worseId = (await worse.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), None)).RolloutId!;
        Rewards(worse, worseId, "1", outcomes: 100, correct: 80);
        Rewards(worse, worseId, "2", outcomes: 100, correct: 50);
        await worse.Controller.EvaluateAsync(None);
        Assert.Equal(RolloutState.RolledBack, (await worse.Store.FindAsync("flight-delay", worseId, None))!.State);

        using var close = await RolloutTestSystem.StartAsync(fixture.Bundle, Options);
        var closeId = (await close.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), None)).RolloutId!;
        Rewards(close, closeId, "1", outcomes: 100, correct: 70);
        Rewards(close, closeId, "2", outcomes: 100, correct: 72);
        await close.Controller.EvaluateAsync(None);
        Assert.Equal(RolloutState.Running, (await close.Store.FindAsync("flight-delay", closeId, None))!.State);
    }

    // Requests all in the 5 ms bucket (fast) or all in the 100 ms bucket.
    private static void Requests(RolloutTestSystem system, string rolloutId, string version, long requests, long errors, bool fast)
    {
        var buckets = new long[Bounds.Length + 1];
        buckets[fast ? 0 : 4] = requests;
        system.Evidence.AddRequests(rolloutId, version, requests, errors, Bounds, buckets);
    }

    // Informative: probabilities that rank every late flight above every punctual one; else the same for all.
    private static void Outcomes(RolloutTestSystem system, string rolloutId, string version, int count, bool informative)
    {
        for (var i = 0; i < count; i++)
        {
            var positive = i % 2 == 0;
            system.Evidence.AddOutcome(rolloutId, version, correct: true, informative ? (positive ? 0.8f : 0.2f) : 0.5f, positive);
        }
    }

    private static void Rewards(RolloutTestSystem system, string rolloutId, string version, int outcomes, int correct)
    {
        for (var i = 0; i < outcomes; i++)
            system.Evidence.AddOutcome(rolloutId, version, correct: i < correct, 0.5f, positive: true);
    }
}
