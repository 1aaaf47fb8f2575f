using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integration.Tests.Online;
using Replay;
using Xunit.Abstractions;

namespace Integration.Tests.AutomaticLoop;

/// <summary>
/// The loop with no human step, shortened: the flights of January and February 2001 replayed (about 130 a day, with
/// their delays as outcomes) through the distributed system on RabbitMQ; February's drift raises an alert, the alert
/// starts a retraining on the outcomes the Retrainer kept, the challenger is evaluated against the champion on the same
/// hold-out, rolled out as a canary, and the canary ends by itself. The replay tool sees the new version and the
/// rollout on <c>platform.events</c>, as an outside system would.
/// </summary>
[Collection(RabbitMqTestGroup.Name)]
public sealed class AutomaticLoopTests(LoopSystem system, ITestOutputHelper output) : IClassFixture<LoopSystem>
{
    private const string RetrainingsPath = $"/api/v1/models/{TestModel.Name}/retrainings";
    private const string RolloutsPath = $"/api/v1/models/{TestModel.Name}/rollouts";

    [Fact]
    public async Task Drift_starts_a_retraining_whose_challenger_is_rolled_out_as_a_canary_that_ends_by_itself()
    {
        var options = new ReplayOptions
        {
            From = new DateTime(2001, 1, 1),
            To = new DateTime(2001, 3, 1),
            Sample = 0.008,
            Speed = 250_000,
            MaxRate = 250,
            Drain = TimeSpan.FromSeconds(60),
            ProgressInterval = TimeSpan.FromSeconds(2),
            Amqp = system.Amqp,
            Model = TestModel.Name,
        };
        using var progress = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var report = await Replayer.RunAsync(options, progress, timeout.Token);
        output.WriteLine(progress.ToString());
        output.WriteLine(report.ToMarkdown());
        Assert.True(report.Completed, "the replay did not finish in 240 s");

        // Drift → retraining: a job triggered by the drift alert, with both versions' numbers on the same hold-out.
        var job = await WaitForAsync(async () =>
        {
            var jobs = (await GetJsonAsync(RetrainingsPath)).GetProperty("jobs").EnumerateArray().ToList();
            // Newest first: the last match is the first job the loop rolled out. A JsonElement is a struct: null means none.
            return jobs.Where(candidate => candidate.GetProperty("trigger").GetString() == "drift"
                    && candidate.GetProperty("state").GetString() == "succeeded"
                    && candidate.GetProperty("evaluation") is { ValueKind: JsonValueKind.Object } evaluated
                    && evaluated.GetProperty("decision").GetString() == "rolled-out")
                .Select(candidate => (JsonElement?)candidate).LastOrDefault();
        }, "a retraining job triggered by drift whose challenger was rolled out");
        var evaluation = job.GetProperty("evaluation");
        Assert.True(evaluation.GetProperty("champion").GetProperty("rows").GetInt32() > 100 && evaluation.GetProperty("challenger").GetProperty("auc").GetDouble() > 0.5, job.ToString());
        var challenger = job.GetProperty("challengerVersion").GetString()!;
        var rolloutId = job.GetProperty("rolloutId").GetString()!;

        // → canary → promoted or rolled back, by itself (traffic and its outcomes keep coming while it runs).
        var sent = 0;
        var rollout = await WaitForAsync(async () =>
        {
            var current = await GetJsonAsync($"{RolloutsPath}/{rolloutId}");
            if (current.GetProperty("state").GetString() is "promoted" or "rolled-back")
                return current;
            for (var i = 0; i < 20; i++)
            {
                using var predicted = await system.PostAsync($"/api/v1/models/{TestModel.Name}/predict", new { date = "2001-02-20T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey = $"loop-{Guid.NewGuid():N}" });
                if (predicted.StatusCode != HttpStatusCode.OK)
                    continue;
                var predictionId = JsonDocument.Parse(await predicted.Content.ReadAsStringAsync()).RootElement.GetProperty("predictionId").GetGuid();
                using var _ = await system.PostAsync("/api/v1/feedback", new { predictionId, value = sent++ % 4 == 0 ? 45 : 0 });
            }

            return (JsonElement?)null;
        }, "the canary to end");
        Assert.Equal("canary", rollout.GetProperty("strategy").GetString());
        Assert.Equal(challenger, rollout.GetProperty("challengerVersion").GetString());
        Assert.Equal($"retraining:{job.GetProperty("jobId").GetString()}", rollout.GetProperty("startedBy").GetString());
        var events = rollout.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("event").GetString()).ToList();
        Assert.Equal("started", events[0]);
        Assert.True(events[^1] is "promoted" or "rolled-back", string.Join(", ", events));

        // The replay, as an outside system, saw the drift alert and the new version with its trigger.
        Assert.Contains(report.Alerts, alert => alert.Kind == "drift");
        Assert.Contains(report.Lifecycle, change => change.Event == "registered" && change.Version == challenger && change.Detail == "trigger drift");
    }

    private async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> attempt, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (await attempt() is { } found)
                return found;
            await Task.Delay(500);
        }

        throw system.Failure($"Timed out waiting for {what}; retrainings: {await GetJsonAsync(RetrainingsPath)}; rollouts: {await GetJsonAsync(RolloutsPath)}");
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw system.Failure($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
