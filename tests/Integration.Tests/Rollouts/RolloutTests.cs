using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
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
[StartEarly]
public sealed class RolloutTests(RolloutSystem system) : IClassFixture<RolloutSystem>
{
    private static readonly TimeSpan Timeout = RolloutSystem.StateTimeout;
    private static readonly TimeSpan DecisionTimeout = RolloutSystem.DecisionTimeout;

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
            await system.WaitUntilReplicasRouteAsync($"ab {champion} against {challenger} (rollout {rolloutId}): challenger share 0.3");

            var keys = Enumerable.Range(0, 300).Select(i => $"ab-{rolloutId}-{i}").ToList();
            var answered = new Dictionary<string, string>();
            foreach (var key in keys)
                answered[key] = (await system.PredictAsync(key)).Version;

            // Every key is answered by the version its bucket names, on whichever replica took it.
            var expected = keys.ToDictionary(key => key, key => StickyBucket.Of(rolloutId, key) < 0.3 ? challenger : champion);
            Assert.Equal(expected, answered);
            // Buckets are uniform for a new rollout id: the challenger's keys are Binomial(300, 0.3), mean 90; more than
            // 40 away with probability 4.2e-7 (exact binomial sum).
            Assert.InRange(answered.Values.Count(version => version == challenger), 90 - 40, 90 + 40);
            // Asked again: the same answer for every key.
            foreach (var key in keys.Take(60))
                Assert.Equal(answered[key], (await system.PredictAsync(key)).Version);
        }
        finally
        {
            await system.EndIfActiveAsync(rolloutId);
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
            // Once both replicas route by the shadow rollout (share 1), the challenger also scores every request, and
            // its prediction is logged beside the champion's.
            await system.WaitUntilReplicasRouteAsync($"shadow {champion} against {challenger} (rollout {rolloutId}): challenger share 1");
            var keys = Enumerable.Range(0, 20).Select(i => $"shadow-{rolloutId}-{i}").ToList();
            foreach (var key in keys)
                Assert.Equal(champion, (await system.PredictAsync(key)).Version);
            var clock = Stopwatch.StartNew();
            var shadowed = await CountShadowedAsync(keys, challenger);
            while (shadowed < keys.Count && clock.Elapsed < Timeout)
            {
                await Task.Delay(250);
                shadowed = await CountShadowedAsync(keys, challenger);
            }

            Assert.True(shadowed == keys.Count, system.Failure($"only {shadowed} of {keys.Count} requests have a shadow prediction of version {challenger} logged").Message);
            var logged = await system.GetJsonAsync($"/api/v1/predictions?model={TestModel.Name}&entityKey={Uri.EscapeDataString(keys[^1])}");
            var predictions = logged.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(2, predictions.Count);
            Assert.False(predictions.Single(prediction => prediction.GetProperty("modelVersion").GetString() == champion).GetProperty("shadow").GetBoolean());
            Assert.True(predictions.Single(prediction => prediction.GetProperty("modelVersion").GetString() == challenger).GetProperty("shadow").GetBoolean());
            // Compared: the rollout counts the champion's requests (Inference reports them every second).
            var live = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("live");
            for (var wait = Stopwatch.StartNew(); live.GetProperty("champion").GetProperty("requests").GetInt64() == 0 && wait.Elapsed < Timeout;)
            {
                await Task.Delay(500);
                live = (await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}")).GetProperty("live");
            }

            Assert.True(live.GetProperty("champion").GetProperty("requests").GetInt64() > 0, live.ToString());
        }
        finally
        {
            await system.EndIfActiveAsync(rolloutId);
        }
    }

    [Fact]
    public async Task A_canary_steps_up_and_promotes_itself_under_traffic()
    {
        await system.EnsureVersionAsync("4");
        var before = await system.ChampionAsync();
        var challenger = before == "4" ? "1" : "4";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Canary })).GetProperty("rolloutId").GetString()!;
        try
        {
            var clock = Stopwatch.StartNew();
            var state = "running";
            var sent = 0;
            while (clock.Elapsed < DecisionTimeout && state == "running")
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
        finally
        {
            await system.EndIfActiveAsync(rolloutId);
        }
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
        try
        {
            var clock = Stopwatch.StartNew();
            var sent = 0;
            var rollout = await system.GetJsonAsync($"{RolloutSystem.RolloutsPath}/{rolloutId}");
            while (clock.Elapsed < DecisionTimeout && rollout.GetProperty("state").GetString() == "running")
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
        finally
        {
            await system.EndIfActiveAsync(rolloutId);
        }
    }

    [Fact]
    public async Task A_bandit_moves_traffic_to_the_version_whose_predictions_are_right_and_promotes_it()
    {
        await system.EnsureVersionAsync("5");
        var champion = await system.ChampionAsync();
        var challenger = champion == "5" ? "1" : "5";
        var rolloutId = (await system.StartRolloutAsync(new { version = challenger, strategy = RolloutStrategies.Bandit })).GetProperty("rolloutId").GetString()!;
        try
        {
            // Without outcomes both arms draw from Beta(1, 1): each version answers about half the requests.
            var answered = new Dictionary<string, List<(Guid Id, string Label)>> { [champion] = [], [challenger] = [] };
            for (var sent = 0; answered[champion].Count < 10 || answered[challenger].Count < 40; sent++)
            {
                Assert.True(sent < 2_000, system.Failure($"after {sent} requests: {answered[champion].Count} from the champion, {answered[challenger].Count} from the challenger").Message);
                var (id, version, label) = await system.PredictAsync($"bandit-{rolloutId}-{sent}");
                answered[version].Add((id, label));
            }

            // The truth contradicts 10 of the champion's predictions and confirms 40 of the challenger's: 50 outcomes,
            // fewer than the 100 a bandit decides on, so the rollout keeps running with exactly these arms.
            foreach (var (id, label) in answered[champion].Take(10))
                await system.FeedbackAsync(id, label == "late" ? 0 : 45);
            foreach (var (id, label) in answered[challenger].Take(40))
                await system.FeedbackAsync(id, label == "late" ? 45 : 0);
            await system.WaitUntilReplicasRouteAsync($"bandit {champion} against {challenger} (rollout {rolloutId}): arms {champion} 0/10, {challenger} 40/40");

            // Traffic moved: the champion's draw from Beta(1, 11) beats the challenger's from Beta(41, 1) with probability
            // 1 / C(52, 41) = 1.7e-11 per request, so one of these 100 goes to the champion with probability 1.7e-9.
            var moved = new List<(Guid Id, string Label)>();
            for (var i = 0; i < 100; i++)
            {
                var (id, version, label) = await system.PredictAsync($"bandit-{rolloutId}-moved-{i}");
                Assert.True(version == challenger, system.Failure($"request {i} after the arms moved was answered by version {version}").Message);
                moved.Add((id, label));
            }

            // Their outcomes make 150: the bandit decides, and the challenger is better with probability 1.
            foreach (var (id, label) in moved)
                await system.FeedbackAsync(id, label == "late" ? 45 : 0);
            var rollout = await system.WaitForRolloutAsync(rolloutId, state => state != "running");
            Assert.True(rollout.GetProperty("state").GetString() == "promoted", system.Failure($"the bandit ended: {rollout}").Message);
            // It decides at the first evaluation that counts 100 outcomes or more: 90 to 140 of the challenger's.
            var decision = Regex.Match(rollout.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString()!,
                @"^bandit: P\(challenger better\) = 1\.000; rewards (\d+)/(\d+) vs 0/10$");
            Assert.True(decision.Success && decision.Groups[1].Value == decision.Groups[2].Value, rollout.ToString());
            Assert.InRange(int.Parse(decision.Groups[1].Value, CultureInfo.InvariantCulture), 90, 140);
            Assert.Equal(challenger, await system.ChampionAsync());
            await WaitUntilAllFromAsync(challenger);
        }
        finally
        {
            await system.EndIfActiveAsync(rolloutId);
        }
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
        bool SeenByClients(string version)
        {
            lock (failures)
                return versions.ContainsKey(version);
        }

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
        string? canary = null;
        try
        {
            await system.StartRolloutAsync(new { version = "6", strategy = RolloutStrategies.SingleVersion });
            await WaitUntilAllFromAsync("6");
            // Held until the clients have been answered by it, however slowly they run.
            var clients = Stopwatch.StartNew();
            while (!SeenByClients("6"))
            {
                Assert.True(clients.Elapsed < Timeout, system.Failure($"no client was answered by version 6 within {Timeout.TotalSeconds:0} s").Message);
                await Task.Delay(50);
            }

            await system.StartRolloutAsync(new { version = original, strategy = RolloutStrategies.SingleVersion });
            await WaitUntilAllFromAsync(original);
            canary = (await system.StartRolloutAsync(new { version = "7", strategy = RolloutStrategies.Canary })).GetProperty("rolloutId").GetString()!;
            var rollout = await system.WaitForRolloutAsync(canary, state => state != "running");
            Assert.True(rollout.GetProperty("state").GetString() == "promoted", system.Failure($"the canary ended: {rollout}").Message);
            await WaitUntilAllFromAsync("7");
        }
        finally
        {
            // The clients stop whatever happened, so no load outlives the test.
            await stop.CancelAsync();
            await Task.WhenAll(load);
            if (canary is not null)
                await system.EndIfActiveAsync(canary);
        }

        Assert.True(failures.Count == 0, system.Failure($"{failures.Count} of {requests} requests failed while versions switched: {string.Join("\n", failures.Take(5))}").Message);
        Assert.True(versions.Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { original, "6", "7" }.Distinct().Order(StringComparer.Ordinal)),
            $"answered by {string.Join(", ", versions.Select(version => $"{version.Key}: {version.Value}"))}");
        Assert.True(requests > 200, $"only {requests} requests");
    }

    // Once both replicas route the champion alone, every prediction comes from it.
    private async Task WaitUntilAllFromAsync(string version)
    {
        await system.WaitUntilReplicasRouteAsync($"champion {version}");
        for (var i = 0; i < 20; i++)
        {
            var answered = (await system.PredictAsync($"all-{version}-{Guid.NewGuid():N}-{i}")).Version;
            Assert.True(answered == version, system.Failure($"version {answered} answered although both replicas route version {version} alone").Message);
        }
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
