using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Retraining;
using Replay;
using Replay.Messages;
using Replay.Results;
using Xunit.Abstractions;

namespace Integration.Tests.AutomaticLoop;

/// <summary>
/// The loop with no human step, shortened: the flights of January 2001 replayed (about 130 a day, with their delays as
/// outcomes), then those of February (requests only) through the distributed system on RabbitMQ; February's drift
/// raises an alert, the alert starts a retraining on the outcomes the Retrainer kept, the challenger is evaluated
/// against the champion on the same hold-out, rolled out as a canary, and the canary promotes itself. A queue of the
/// test's own on <c>platform.events</c> sees the alert, the new version and the promotion, as an outside system would.
/// </summary>
[StartEarly]
public sealed class AutomaticLoopTests(LoopSystem system, ITestOutputHelper output) : IClassFixture<LoopSystem>
{
    private const string RetrainingsPath = $"/api/v1/models/{TestModel.Name}/retrainings";
    private const string RolloutsPath = $"/api/v1/models/{TestModel.Name}/rollouts";
    private const string VersionsPath = $"/api/v1/models/{TestModel.Name}/versions";
    private const int CanaryRequestsPerPoll = 20;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Sending (January's requests and outcomes take about 35 s at the rate cap) and the drain's longest wait.
    private static readonly TimeSpan ReplayTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Drift_starts_a_retraining_whose_challenger_is_rolled_out_as_a_canary_that_promotes_itself()
    {
        await using var events = await PlatformEventsListener.BindAsync(system.VirtualHost,
            $"alert.drift.{TestModel.Name}", $"model.registered.{TestModel.Name}", $"rollout.*.{TestModel.Name}");

        // The champion's training month with its outcomes, every one of them kept before February starts: the job the
        // drift alert starts trains on exactly these rows, whenever the alert fires.
        var january = await ReplayAsync(new DateTime(2001, 1, 1), new DateTime(2001, 2, 1), outcomes: true);
        Assert.True(january.Totals.PredictionsReceived == january.Totals.RequestsSent && january.Totals.UnroutableOutcomes == 0,
            system.Failure($"{january.Totals.PredictionsReceived} of {january.Totals.RequestsSent} predictions came back, {january.Totals.UnroutableOutcomes} outcomes unroutable").Message);
        await RetrainerOutcomes.WaitUntilKeptAsync(system.VirtualHost, january.Totals.OutcomesSent, Deadlines.DistributedState, message => system.Failure(message));

        // February, requests only: its drift raises the alert, and no row is added meanwhile.
        var february = await ReplayAsync(new DateTime(2001, 2, 1), new DateTime(2001, 3, 1), outcomes: false);
        Assert.True(february.Totals.PredictionsReceived == february.Totals.RequestsSent,
            system.Failure($"{february.Totals.PredictionsReceived} of {february.Totals.RequestsSent} February predictions came back").Message);

        // Drift → retraining: a job triggered by the drift alert, with both versions' numbers on the same hold-out.
        var job = await WaitForAsync(async () =>
        {
            if (await TryGetJsonAsync(RetrainingsPath) is not { } list)
                return null;
            // Newest first: the last match is the first job the loop rolled out. A JsonElement is a struct: null means none.
            return list.GetProperty("jobs").EnumerateArray()
                .Where(candidate => candidate.GetProperty("trigger").GetString() == "drift"
                    && candidate.GetProperty("state").GetString() == "succeeded"
                    && candidate.GetProperty("evaluation") is { ValueKind: JsonValueKind.Object } evaluated
                    && evaluated.GetProperty("decision").GetString() == "rolled-out")
                .Select(candidate => (JsonElement?)candidate).LastOrDefault();
        }, "a retraining job triggered by drift whose challenger was rolled out");
        var evaluation = job.GetProperty("evaluation");
        Assert.True(evaluation.GetProperty("champion").GetProperty("rows").GetInt32() > 100 && evaluation.GetProperty("challenger").GetProperty("auc").GetDouble() > 0.5, job.ToString());
        var challenger = job.GetProperty("challengerVersion").GetString()!;
        var rolloutId = job.GetProperty("rolloutId").GetString()!;

        // → canary → promoted, by itself, while traffic and its outcomes keep coming.
        var outcomesSent = new Dictionary<string, int>(StringComparer.Ordinal);
        var rollout = await WaitForAsync(async () =>
        {
            if (await TryGetJsonAsync($"{RolloutsPath}/{rolloutId}") is not { } current)
                return null;
            if (current.GetProperty("state").GetString() is "promoted" or "rolled-back")
                return current;
            await SendCanaryTrafficAsync(outcomesSent);
            return null;
        }, "the canary to end");
        var history = rollout.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("event").GetString()).ToList();
        Assert.True(rollout.GetProperty("state").GetString() == "promoted", $"the canary ended {rollout.GetProperty("state")}: {rollout}");
        Assert.Equal(["started", "step", "promoted"], history.Where(change => change != "analysis"));
        Assert.Equal("canary", rollout.GetProperty("strategy").GetString());
        Assert.Equal(challenger, rollout.GetProperty("challengerVersion").GetString());
        Assert.Equal($"retraining:{job.GetProperty("jobId").GetString()}", rollout.GetProperty("startedBy").GetString());
        Assert.Equal(challenger, (await GetJsonAsync(VersionsPath)).GetProperty("servedVersion").GetString());

        // An outside system saw the drift alert, the new version with its trigger, and the promotion.
        var deadline = Deadlines.DistributedState;
        Assert.True(await events.WaitForAsync<AlertReceived>(alert => alert.Kind == "drift", deadline) is not null, Seen(events));
        Assert.True(await events.WaitForAsync<LifecycleReceived>(change => change.Event == "registered" && change.Version == challenger && change.Detail == "trigger drift", deadline) is not null, Seen(events));
        Assert.True(await events.WaitForAsync<LifecycleReceived>(change => change.Event == "rollout promoted" && change.Version == challenger, deadline) is not null, Seen(events));
    }

    // One round of canary traffic: predictions of one flight, each followed by its outcome. Each version's outcomes run
    // late, on time, on time, on time, late, …: any four in a row hold both classes, so each version's live AUC is
    // computed, and it is 0.5 for both (one flight, scored alike every time), so the canary's verdict rests on
    // error rates, not on which requests the split happened to send where.
    private async Task SendCanaryTrafficAsync(Dictionary<string, int> outcomesSent)
    {
        for (var i = 0; i < CanaryRequestsPerPoll; i++)
        {
            try
            {
                using var predicted = await system.PostAsync($"/api/v1/models/{TestModel.Name}/predict",
                    new { date = "2001-02-20T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey = $"loop-{Guid.NewGuid():N}" });
                if (predicted.StatusCode != HttpStatusCode.OK)
                    continue;
                var prediction = await predicted.Content.ReadFromJsonAsync<JsonElement>();
                var version = prediction.GetProperty("version").GetString()!;
                var sent = outcomesSent[version] = outcomesSent.GetValueOrDefault(version) + 1;
                using var _ = await system.PostAsync("/api/v1/feedback",
                    new { predictionId = prediction.GetProperty("predictionId").GetGuid(), value = sent % 4 == 1 ? 45 : 0 });
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // A client timeout on a busy machine: the next round sends more.
            }
        }
    }

    // The drain ends once every request is answered and nothing came for a second (the test's own queue and the API
    // tell what follows), or after four minutes: a busy system may answer much slower than the replay sends.
    private async Task<ReplayReport> ReplayAsync(DateTime from, DateTime to, bool outcomes)
    {
        var options = new ReplayOptions
        {
            From = from,
            To = to,
            Sample = 0.008,
            Speed = 250_000,
            MaxRate = 250,
            Drain = TimeSpan.FromMinutes(4),
            QuietPeriod = TimeSpan.FromSeconds(1),
            ProgressInterval = TimeSpan.FromSeconds(2),
            Amqp = system.Amqp,
            Model = TestModel.Name,
            SkipOutcomes = !outcomes,
            // An outcome goes out only once its prediction has come back, however long that takes on a busy machine: one
            // sent before its prediction was made could never be joined, and every outcome is to be kept.
            OutcomeHold = Deadlines.DistributedState,
        };
        using var progress = new StringWriter();
        using var timeout = new CancellationTokenSource(ReplayTimeout);
        var report = await Replayer.RunAsync(options, progress, timeout.Token);
        output.WriteLine(progress.ToString());
        output.WriteLine(report.ToMarkdown());
        Assert.True(report.Completed, system.Failure($"the replay of {from:yyyy-MM-dd}–{to:yyyy-MM-dd} did not finish in {ReplayTimeout.TotalSeconds:0} s").Message);
        return report;
    }

    private async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> attempt, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadlines.LongWork)
        {
            if (await attempt() is { } found)
                return found;
            await Task.Delay(PollInterval);
        }

        throw system.Failure($"Timed out after {Deadlines.LongWork.TotalSeconds:0} s waiting for {what}; retrainings: {await TryGetJsonAsync(RetrainingsPath)}; rollouts: {await TryGetJsonAsync(RolloutsPath)}");
    }

    private static string Seen(PlatformEventsListener events) => "events seen: " + string.Join("\n", events.Received);

    private Task<JsonElement?> TryGetJsonAsync(string path) =>
        Poll.TryGetJsonAsync(system.Client, path, message => system.Failure(message));

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw system.Failure($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
