using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Rollouts;
using Integration.Tests.Online;

namespace Integration.Tests.Rollouts;

/// <summary>
/// The five rollout strategies in the distributed mode (two Inference replicas, real RabbitMQ), driven through the
/// gateway: shares and stickiness of A/B, the shadow off the response path, a canary promoting itself under traffic and
/// one rolling itself back when its predictions turn out wrong, a bandit moving traffic to the version whose predictions earn rewards, and version switches under constant load
/// without one failed request. Versions are the test model's ONNX file registered again under other numbers, so they
/// differ only in what the platform does with them.
/// </summary>
[Collection(RabbitMqTestGroup.Name)]
public sealed class RolloutTests(RolloutSystem system) : IClassFixture<RolloutSystem>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_AB_rollout_answers_its_share_of_entity_keys_with_the_challenger_and_each_key_always_the_same_way()
    {
        await system.EnsureVersionAsync("2");
        var champion = await system.ChampionAsync();
        var challenger = champion == "2" ? "1" : "2";
        var rollout = await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.AB, share = 0.3 });
        var rolloutId = rollout.GetProperty("rolloutId").GetString()!;
        try
        {
            await WaitUntilRoutedAsync(rolloutId, 0.3, challenger);

            var keys = Enumerable.Range(0, 300).Select(i => $"ab-{rolloutId}-{i}").ToList();
            var answered = new Dictionary<string, string>();
            foreach (var key in keys)
                answered[key] = (await system.PredictAsync(key)).Version;

            // Every key is answered by the version its bucket names, on whichever replica took it.
            var expected = keys.ToDictionary(key => key, key => StickyBucket.Of(rolloutId, key) < 0.3 ? challenger : champion);
            Assert.Equal(expected, answered);
            var share = answered.Values.Count(version => version == challenger) / 300.0;
            Assert.InRange(share, 0.3 - 0.08, 0.3 + 0.08);
            // Asked again: the same answer for every key.
            foreach (var key in keys.Take(60))
                Assert.Equal(answered[key], (await system.PredictAsync(key)).Version);
        }
        finally
        {
            await system.ActAsync(rolloutId, "rollback");
        }

        await WaitUntilAllFromAsync(champion);
    }

    [Fact]
    public async Task A_shadow_rollout_answers_from_the_champion_and_logs_the_challengers_predictions_beside_them()
    {
        await system.EnsureVersionAsync("3");
        var champion = await system.ChampionAsync();
        var challenger = champion == "3" ? "1" : "3";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Shadow, share = 1.0 })).GetProperty("rolloutId").GetString()!;
        try
        {
            // Once both replicas route by the shadow rollout, the challenger's prediction is logged for each request.
            var keys = new List<string>();
            var clock = Stopwatch.StartNew();
            var shadowed = 0;
            while (clock.Elapsed < Timeout && shadowed < 20)
            {
                var key = $"shadow-{rolloutId}-{keys.Count}";
                keys.Add(key);
                Assert.Equal(champion, (await system.PredictAsync(key)).Version);
                if (keys.Count % 10 == 0)
                    shadowed = await CountShadowedAsync(keys.TakeLast(20), challenger);
            }

            Assert.True(shadowed >= 20, system.Failure($"only {shadowed} of the last 20 requests have a shadow prediction of version {challenger} logged").Message);
            var logged = await system.GetJsonAsync($"/api/v1/predictions?model={TestModel.Name}&entityKey={Uri.EscapeDataString(keys[^1])}");
            var predictions = logged.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(2, predictions.Count);
            Assert.False(predictions.Single(prediction => prediction.GetProperty("modelVersion").GetString() == champion).GetProperty("shadow").GetBoolean());
            Assert.True(predictions.Single(prediction => prediction.GetProperty("modelVersion").GetString() == challenger).GetProperty("shadow").GetBoolean());
            // Compared: the rollout counts the champion's requests (Inference reports them every second).
            var live = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("live");
            for (var wait = Stopwatch.StartNew(); live.GetProperty("champion").GetProperty("requests").GetInt64() == 0 && wait.Elapsed < TimeSpan.FromSeconds(15);)
            {
                await Task.Delay(500);
                live = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("live");
            }

            Assert.True(live.GetProperty("champion").GetProperty("requests").GetInt64() > 0, live.ToString());
        }
        finally
        {
            await system.ActAsync(rolloutId, "rollback");
        }
    }

    [Fact]
    public async Task A_canary_steps_up_and_promotes_itself_under_traffic()
    {
        await system.EnsureVersionAsync("4");
        var before = await system.ChampionAsync();
        var challenger = before == "4" ? "1" : "4";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Canary })).GetProperty("rolloutId").GetString()!;

        var clock = Stopwatch.StartNew();
        var state = "running";
        var sent = 0;
        while (clock.Elapsed < Timeout * 2 && state == "running")
        {
            // The truth agrees with both versions: the canary goes to all traffic once each has 100 outcomes.
            var (id, _, label) = await system.PredictAsync($"canary-{rolloutId}-{sent++}");
            await system.FeedbackAsync(id, label == "late" ? 45 : 0);
            if (sent % 20 == 0)
                state = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("state").GetString()!;
        }

        var rollout = await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}");
        Assert.True(state == "promoted", system.Failure($"the canary ended {state} after {sent} requests: {rollout}").Message);
        Assert.Equal(["started", "step", "promoted"], rollout.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("event").GetString()));
        Assert.Contains("passed: error rate 0.000 vs 0.000", rollout.GetProperty("history")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("live accuracy 1.0000 vs 1.0000", rollout.GetProperty("history")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(challenger, await system.ChampionAsync());
        await WaitUntilAllFromAsync(challenger);
    }

    [Fact]
    public async Task A_canary_whose_predictions_turn_out_wrong_rolls_itself_back()
    {
        await system.EnsureVersionAsync("8");
        var champion = await system.ChampionAsync();
        var challenger = champion == "8" ? "1" : "8";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Canary })).GetProperty("rolloutId").GetString()!;

        // The truth contradicts the challenger's predictions and agrees with the champion's. The first step (50%) is
        // not left before each version has its 100 outcomes; then the challenger's accuracy is judged.
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var rollout = await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}");
        while (clock.Elapsed < Timeout * 2 && rollout.GetProperty("state").GetString() == "running")
        {
            var (id, version, label) = await system.PredictAsync($"wrong-canary-{rolloutId}-{sent++}");
            await system.FeedbackAsync(id, (label == "late") == (version == champion) ? 45 : 0);
            if (sent % 20 == 0)
                rollout = await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}");
        }

        Assert.True(rollout.GetProperty("state").GetString() == "rolled-back", system.Failure($"the canary ended {rollout.GetProperty("state")} after {sent} requests: {rollout}").Message);
        Assert.Equal(["started", "rolled-back"], rollout.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("event").GetString()));
        Assert.Contains("live accuracy 0.0000 is more than 0.01 below the champion's 1.0000", rollout.GetProperty("history")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(champion, await system.ChampionAsync());
        await WaitUntilAllFromAsync(champion);
    }

    [Fact]
    public async Task A_bandit_moves_traffic_to_the_version_whose_predictions_are_right_and_promotes_it()
    {
        await system.EnsureVersionAsync("5");
        var champion = await system.ChampionAsync();
        var challenger = champion == "5" ? "1" : "5";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Bandit })).GetProperty("rolloutId").GetString()!;

        // The truth agrees with the challenger's predictions and contradicts the champion's.
        var answeredBy = new List<string>();
        var clock = Stopwatch.StartNew();
        var state = "running";
        while (clock.Elapsed < Timeout * 2 && state == "running")
        {
            var (id, version, label) = await system.PredictAsync($"bandit-{rolloutId}-{answeredBy.Count}");
            await system.FeedbackAsync(id, (label == "late") == (version == challenger) ? 45 : 0);
            answeredBy.Add(version);
            if (answeredBy.Count % 20 == 0)
                state = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("state").GetString()!;
        }

        var rollout = await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}");
        Assert.True(state == "promoted", system.Failure($"the bandit ended {state} after {answeredBy.Count} requests: {rollout}").Message);
        Assert.StartsWith("bandit: P(challenger better) = ", rollout.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Traffic moved before the decision: the challenger answered most of the last requests.
        var last = answeredBy.TakeLast(Math.Min(40, answeredBy.Count / 2)).ToList();
        Assert.True(last.Count(version => version == challenger) > 0.75 * last.Count,
            $"the challenger answered {last.Count(version => version == challenger)} of the last {last.Count} of {answeredBy.Count} requests");
        Assert.Equal(challenger, await system.ChampionAsync());
        await WaitUntilAllFromAsync(challenger);
    }

    [Fact]
    public async Task Versions_switch_under_constant_load_without_one_failed_request()
    {
        await system.EnsureVersionAsync("6");
        await system.EnsureVersionAsync("7");
        var original = await system.ChampionAsync();
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var versions = new Dictionary<string, int>();
        var requests = 0;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await system.PostAsync(RolloutSystem.PredictPath, RolloutSystem.Record($"load-{worker}-{i++}"));
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    lock (failures)
                    {
                        requests++;
                        failures.Add($"{(int)response.StatusCode} {text}");
                    }

                    continue;
                }

                var answer = JsonDocument.Parse(text).RootElement;
                var version = answer.GetProperty("version").GetString()!;
                lock (failures)
                {
                    requests++;
                    versions[version] = versions.GetValueOrDefault(version) + 1;
                }

                // Outcomes, so the canary below can compare live metrics before it takes all traffic.
                await system.FeedbackAsync(answer.GetProperty("predictionId").GetGuid(), answer.GetProperty("label").GetString() == "late" ? 45 : 0);
            }
        })).ToList();

        // Replace (a version no replica has loaded yet), replace back, then a canary that promotes itself.
        await system.StartRolloutAsync(new { version = "6", strategy = RolloutStrategies.SingleVersion });
        await WaitUntilAllFromAsync("6");
        await system.StartRolloutAsync(new { version = original, strategy = RolloutStrategies.SingleVersion });
        await WaitUntilAllFromAsync(original);
        var canary = (await system.StartRolloutAsync(new { version = "7", strategy = RolloutStrategies.Canary })).GetProperty("rolloutId").GetString()!;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout * 2 && (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{canary}")).GetProperty("state").GetString() == "running")
            await Task.Delay(500);
        await WaitUntilAllFromAsync("7");

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(failures.Count == 0, system.Failure($"{failures.Count} of {requests} requests failed while versions switched: {string.Join("\n", failures.Take(5))}").Message);
        Assert.True(versions.Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { original, "6", "7" }.Distinct().Order(StringComparer.Ordinal)),
            $"answered by {string.Join(", ", versions.Select(version => $"{version.Key}: {version.Value}"))}");
        Assert.True(requests > 200, $"only {requests} requests");
    }

    // Until ten keys in a row that the bucket gives the challenger are answered by it (both replicas have the route).
    private async Task WaitUntilRoutedAsync(string rolloutId, double share, string challenger)
    {
        var clock = Stopwatch.StartNew();
        var inARow = 0;
        var i = 0;
        while (clock.Elapsed < Timeout)
        {
            var key = $"probe-{rolloutId}-{i++}";
            if (StickyBucket.Of(rolloutId, key) >= share)
                continue;
            inARow = (await system.PredictAsync(key)).Version == challenger ? inARow + 1 : 0;
            if (inARow == 10)
                return;
            if (inARow == 0)
                await Task.Delay(100);
        }

        throw system.Failure($"the replicas did not route by rollout {rolloutId} within {Timeout.TotalSeconds:0} s");
    }

    // Until twenty predictions in a row come from the version.
    private async Task WaitUntilAllFromAsync(string version)
    {
        var clock = Stopwatch.StartNew();
        var inARow = 0;
        var i = 0;
        while (clock.Elapsed < Timeout)
        {
            inARow = (await system.PredictAsync($"all-{version}-{Guid.NewGuid():N}-{i++}")).Version == version ? inARow + 1 : 0;
            if (inARow == 20)
                return;
            if (inARow == 0)
                await Task.Delay(100);
        }

        throw system.Failure($"predictions did not all come from version {version} within {Timeout.TotalSeconds:0} s");
    }

    private async Task<int> CountShadowedAsync(IEnumerable<string> keys, string challenger)
    {
        var shadowed = 0;
        foreach (var key in keys)
        {
            var logged = await system.GetJsonAsync($"/api/v1/predictions?model={TestModel.Name}&entityKey={Uri.EscapeDataString(key)}");
            if (logged.GetProperty("predictions").EnumerateArray().Any(prediction => prediction.GetProperty("modelVersion").GetString() == challenger))
                shadowed++;
        }

        return shadowed;
    }
}
