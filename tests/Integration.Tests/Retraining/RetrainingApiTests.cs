using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Monitoring;
using Integration.Tests.Online;

namespace Integration.Tests.Retraining;

/// <summary>
/// Automatic retraining in the distributed mode over a real RabbitMQ: the Retrainer keeps labelled rows from
/// OutcomeRecorded events, a DriftDetected alert starts a job that trains a challenger in the background, scores it
/// against the champion on the newest rows and rolls the winner out; the job, with its numbers, is read through the
/// gateway. And the manual POST: a second trigger while a job runs is recorded as skipped.
/// </summary>
public sealed class RetrainingApiTests(RetrainingSystem system) : IClassFixture<RetrainingSystem>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_drift_alert_retrains_on_the_kept_outcomes_and_the_job_history_shows_the_evaluation_and_the_rollout()
    {
        var champion = (await GetJsonAsync(RetrainingSystem.VersionsPath)).GetProperty("servedVersion").GetString();
        await system.PublishOutcomesAsync(await RetrainingSystem.FebruaryAsync(1_500));
        var flights = system.Published.ToList();
        await system.WaitUntilOutcomesAreKeptAsync();

        await system.Bus.Publish(new DriftDetected(Guid.NewGuid(), TestModel.Name, champion!, "input-drift", "last 2000 predictions",
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, 2000, [new ColumnDrift("date.month", "psi", 0.9, 0.2, null)], DateTimeOffset.UtcNow));

        var job = await FinishedJobAsync(job => job.GetProperty("trigger").GetString() == "drift");
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Contains("date.month", job.GetProperty("triggerDetails").GetString(), StringComparison.Ordinal);

        // The data: two weeks back from the newest flight, every published outcome kept once, the newest quarter held out.
        var data = job.GetProperty("data");
        var newest = new DateTimeOffset(flights.Max(flight => flight.Date), TimeSpan.Zero);
        Assert.Equal(newest, data.GetProperty("recentTo").GetDateTimeOffset());
        Assert.Equal(newest.AddDays(-14), data.GetProperty("recentFrom").GetDateTimeOffset());
        var inWindow = flights.Count(flight => new DateTimeOffset(flight.Date, TimeSpan.Zero) >= newest.AddDays(-14));
        Assert.Equal(inWindow, data.GetProperty("trainingRows").GetInt32() + data.GetProperty("holdoutRows").GetInt32());
        Assert.Equal((int)Math.Ceiling(inWindow * 0.25), data.GetProperty("holdoutRows").GetInt32());

        // Both versions on the same hold-out, with their numbers; the margin of -1 lets the challenger win.
        var evaluation = job.GetProperty("evaluation");
        Assert.Equal("auc", evaluation.GetProperty("metric").GetString());
        Assert.Equal("rolled-out", evaluation.GetProperty("decision").GetString());
        Assert.Equal(-1, evaluation.GetProperty("margin").GetDouble());
        foreach (var side in new[] { "champion", "challenger" })
        {
            var numbers = evaluation.GetProperty(side);
            Assert.Equal(data.GetProperty("holdoutRows").GetInt32(), numbers.GetProperty("rows").GetInt32());
            Assert.InRange(numbers.GetProperty("auc").GetDouble(), 0.3, 1);
            Assert.InRange(numbers.GetProperty("accuracy").GetDouble(), 0.3, 1);
            Assert.True(numbers.GetProperty("logLoss").GetDouble() > 0);
        }

        Assert.Equal(champion, job.GetProperty("championVersion").GetString());
        var challenger = job.GetProperty("challengerVersion").GetString();
        Assert.False(string.IsNullOrEmpty(job.GetProperty("rolloutId").GetString()));

        // The challenger is registered with its lineage, and the single rollout made it the champion.
        var version = await GetJsonAsync($"{RetrainingSystem.VersionsPath}/{challenger}");
        var lineage = version.GetProperty("card").GetProperty("lineage");
        Assert.Equal(("drift", champion), (lineage.GetProperty("trigger").GetString(), lineage.GetProperty("parentVersion").GetString()));
        var versions = await GetJsonAsync(RetrainingSystem.VersionsPath);
        Assert.Equal(challenger, versions.GetProperty("servedVersion").GetString());
    }

    [Fact]
    public async Task A_manual_retraining_is_accepted_and_a_second_one_while_it_runs_is_recorded_as_skipped()
    {
        await system.PublishOutcomesAsync(await RetrainingSystem.FebruaryAsync(600));
        await system.WaitUntilOutcomesAreKeptAsync();
        await WaitUntilNoJobRunsAsync(); // a job of the other test may still run

        // Two triggers at once. The second finds the first running only if it reaches the Retrainer before the first
        // job ends (a few seconds of training), which a busy machine need not grant: pairs are sent until one
        // overlapped, and every pair must answer consistently.
        var clock = Stopwatch.StartNew();
        var pairs = new List<string>();
        while (true)
        {
            var (first, second) = await TriggerTwoAtOnceAsync();
            pairs.Add($"{first.GetProperty("state").GetString()}/{second.GetProperty("state").GetString()}");
            if (first.GetProperty("state").GetString() == "running" && second.GetProperty("state").GetString() == "running")
            {
                await AssertOneRequestedAfterTheOtherFinishedAsync(first, second);
            }
            else
            {
                var started = Assert.Single([first, second], body => body.GetProperty("state").GetString() == "running");
                var skipped = Assert.Single([first, second], body => body.GetProperty("state").GetString() == "skipped");
                Assert.Equal(started.GetProperty("jobId").GetString(), skipped.GetProperty("skippedBecause").GetString());

                var skippedJob = await GetJsonAsync(skipped.GetProperty("location").GetString()!);
                Assert.Equal(("skipped", "manual"), (skippedJob.GetProperty("state").GetString(), skippedJob.GetProperty("trigger").GetString()));
                var job = await FinishedJobAsync(candidate => candidate.GetProperty("jobId").GetString() == started.GetProperty("jobId").GetString());
                Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
                Assert.True(job.GetProperty("evaluation").GetProperty("challenger").GetProperty("rows").GetInt32() > 0);
                break;
            }

            if (clock.Elapsed > Deadlines.LongWork)
                throw system.Failure($"none of {pairs.Count} pairs of triggers sent at once overlapped within {Deadlines.LongWork.TotalSeconds:0} s: {string.Join(", ", pairs)}");
        }

        // An unknown model: 404 problem details; a bad limit: 400 naming it.
        using var unknown = await system.PostAsync("/api/v1/models/no-such-model/retrainings", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var badLimit = await system.Client.GetAsync(new Uri($"{RetrainingSystem.RetrainingsPath}?limit=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.True((await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }

    // POSTs two manual triggers at once; both are accepted, each answer naming its job where its Location header does.
    private async Task<(JsonElement First, JsonElement Second)> TriggerTwoAtOnceAsync()
    {
        var answers = await Task.WhenAll(
            system.PostAsync(RetrainingSystem.RetrainingsPath, new { reason = "first" }),
            system.PostAsync(RetrainingSystem.RetrainingsPath, new { reason = "second" }));
        var bodies = new List<JsonElement>();
        foreach (var answer in answers)
        {
            using (answer)
            {
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(body.GetProperty("location").GetString(), answer.Headers.Location?.OriginalString);
                bodies.Add(body);
            }
        }

        return (bodies[0], bodies[1]);
    }

    // Two triggers that both started a job did not overlap: the later was requested once the earlier had finished
    // (the Retrainer frees the model only after storing the job's end). Both must succeed.
    private async Task AssertOneRequestedAfterTheOtherFinishedAsync(JsonElement first, JsonElement second)
    {
        var jobs = new List<JsonElement>();
        foreach (var answer in new[] { first, second })
        {
            var job = await FinishedJobAsync(candidate => candidate.GetProperty("jobId").GetString() == answer.GetProperty("jobId").GetString());
            Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
            jobs.Add(job);
        }

        var ordered = jobs.OrderBy(job => job.GetProperty("requestedAt").GetDateTimeOffset()).ToList();
        Assert.True(ordered[1].GetProperty("requestedAt").GetDateTimeOffset() >= ordered[0].GetProperty("finishedAt").GetDateTimeOffset(),
            $"two triggers both started a job while one ran:\n{ordered[0]}\n{ordered[1]}");
    }

    // Polls the job list through the gateway until a job matching `which` has finished (a retraining may take minutes
    // on a busy machine).
    private async Task<JsonElement> FinishedJobAsync(Func<JsonElement, bool> which)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.LongWork)
        {
            if (await TryGetJsonAsync(RetrainingSystem.RetrainingsPath, answer => last = answer) is { } list)
            {
                var jobs = list.GetProperty("jobs").EnumerateArray().Where(job => job.GetProperty("state").GetString() != "skipped").ToList();
                var found = jobs.FirstOrDefault(which);
                if (found.ValueKind == JsonValueKind.Object && found.GetProperty("state").GetString() != "running")
                    return found;
                last = string.Join("\n", jobs);
            }

            await Task.Delay(PollInterval);
        }

        throw system.Failure($"no finished retraining job within {Deadlines.LongWork.TotalSeconds:0} s; last: {last}");
    }

    private async Task WaitUntilNoJobRunsAsync()
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.LongWork)
        {
            if (await TryGetJsonAsync(RetrainingSystem.RetrainingsPath, answer => last = answer) is { } list)
            {
                if (!list.GetProperty("jobs").EnumerateArray().Any(job => job.GetProperty("state").GetString() == "running"))
                    return;
                last = list.ToString();
            }

            await Task.Delay(PollInterval);
        }

        throw system.Failure($"a retraining job still runs after {Deadlines.LongWork.TotalSeconds:0} s; last: {last}");
    }

    private Task<JsonElement?> TryGetJsonAsync(string path, Action<string> last) =>
        Poll.TryGetJsonAsync(system.Client, path, message => system.Failure(message), last);

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw system.Failure($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
