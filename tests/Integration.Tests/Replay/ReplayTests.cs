using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integration.Tests.Online;
using Replay;
using Replay.Results;
using Xunit.Abstractions;

namespace Integration.Tests.Replay;

/// <summary>
/// Short replays of the real flights through the distributed system on RabbitMQ, with the replay tool's own
/// engine (<see cref="Replayer"/>) in the test process: requests and outcomes on <c>platform.ingest</c>,
/// predictions and alerts read back from <c>platform.events</c>. The served model is the test model, trained on
/// January 2001.
/// </summary>
[StartEarly]
public sealed class ReplayTests(ReplaySystem system, ITestOutputHelper output) : IClassFixture<ReplaySystem>
{
    // About 130 flights a day: see ReplaySystem for why the count window must span a week or more of the stream.
    private const double Sample = 0.008;

    // A month of the stream in 11 s, at most 250 messages a second. The system may answer slower than that on a busy
    // two-core machine (about 100 a second measured): the drain waits for every answer.
    private const double Speed = 250_000;
    private const double MaxRate = 250;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // Sending (about 20 s at the rate cap) and the drain's longest wait.
    private static readonly TimeSpan ReplayTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task January_replayed_fires_no_drift_alert_and_the_shift_into_february_does()
    {
        // The training month: 4,000 flights in time order, predictions only (drift needs no outcomes). Every window
        // Monitor judges is January traffic.
        var counted = await ValueAsync(PredictionsCountedAsync, "Monitor to list its models");
        var january = await ReplayAsync(new DateTime(2001, 1, 1), new DateTime(2001, 2, 1), outcomes: false);

        Assert.True(january.Totals.RequestsSent > 3_000, $"only {january.Totals.RequestsSent} flights replayed");
        Assert.True(january.Totals.PredictionsReceived == january.Totals.RequestsSent,
            system.Failure($"{january.Totals.PredictionsReceived} of {january.Totals.RequestsSent} predictions came back").Message);
        // Monitor has judged every January prediction (its alert would be out by now) and never fired.
        await WaitUntilAsync(async () => await PredictionsCountedAsync() >= counted + january.Totals.RequestsSent, "Monitor to count the January predictions");
        var rule = await DriftRuleStateAsync();
        Assert.True(rule is { } judged && judged.GetProperty("lastValue").ValueKind == JsonValueKind.Number,
            $"Monitor never judged a January window with the drift rule; rule states: {rule}");
        var history = await GetJsonAsync($"/api/v1/monitoring/alerts?model={TestModel.Name}&kind=drift");
        Assert.True(january.Alerts.Count == 0 && history.GetProperty("alerts").GetArrayLength() == 0,
            $"alerts on the training month:\n{january.ToMarkdown()}\n{history}\n{await DriftTableAsync()}");
        // The tool's own measurement: the model has skill on its training month.
        Assert.InRange(january.Periods.Single().Live.Auc!.Value, 0.6, 0.9);

        // The stream goes on into February: the window fills with traffic the model never saw.
        var februaryStarted = DateTimeOffset.UtcNow;
        var february = await ReplayAsync(new DateTime(2001, 2, 1), new DateTime(2001, 2, 8), outcomes: false);
        Assert.True(february.Totals.PredictionsReceived == february.Totals.RequestsSent,
            system.Failure($"{february.Totals.PredictionsReceived} of {february.Totals.RequestsSent} predictions came back").Message);

        // Monitor may judge the last windows after the replay's last answer: its alert history is asked until the alert
        // is there. The judged window ends after February's first request was sent: the alert is about February's traffic.
        var drift = await FirstDriftAlertAsync()
            ?? throw system.Failure($"no drift alert within {Deadlines.DistributedState.TotalSeconds:0} s of the shift into February:\n{february.ToMarkdown()}\n{await DriftTableAsync()}");
        Assert.Equal(ReplaySystem.DriftRule, drift.GetProperty("rule").GetString());
        Assert.Equal(TestModel.Version, drift.GetProperty("version").GetString());
        Assert.True(drift.GetProperty("details").GetProperty("windowEnd").GetDateTimeOffset() >= februaryStarted, drift.ToString());
        var drifted = drift.GetProperty("details").GetProperty("drifted").EnumerateArray().Select(column => column.GetProperty("column").GetString()).ToList();
        Assert.True(drifted.Contains("date.month"), $"drifted columns: {string.Join(", ", drifted)}\n{drift}");
    }

    [Fact]
    public async Task The_outcomes_a_replay_sends_as_cloud_events_are_joined_to_its_predictions()
    {
        var before = await ValueAsync(FeedbackJoinedAsync, "FeedbackCollector's stats");

        // A thinner sample of the whole training month, so this replay leaves Monitor's window looking like January.
        var report = await ReplayAsync(new DateTime(2001, 1, 1), new DateTime(2001, 2, 1), sample: 0.002, cloudEvents: true);

        Assert.True(report.Totals.OutcomesSent > 800, $"only {report.Totals.OutcomesSent} outcomes sent");
        Assert.Equal(0, report.Totals.UnroutableOutcomes);
        Assert.True(report.Totals.PredictionsReceived == report.Totals.RequestsSent,
            $"{report.Totals.PredictionsReceived} of {report.Totals.RequestsSent} predictions came back");
        // Every outcome is joined: the stats count them, and a tenth of them, asked for by their CloudEvent id, say so.
        await WaitUntilAsync(async () => await FeedbackJoinedAsync() is { } joined && joined - before >= report.Totals.OutcomesSent,
            $"FeedbackCollector to join the {report.Totals.OutcomesSent} outcomes");
        for (var flight = 0; flight < report.Totals.RequestsSent; flight += 10)
        {
            var outcome = await GetJsonAsync($"/api/v1/feedback/{Uri.EscapeDataString($"{report.RunId}:{flight}:outcome")}");
            Assert.Equal("joined", outcome.GetProperty("status").GetString());
            Assert.Single(outcome.GetProperty("predictionIds").EnumerateArray());
        }
    }

    // The drain ends once every request is answered and nothing came for a second (the tests ask the platform itself for
    // the alerts that follow), or after four minutes: a busy system may answer much slower than the replay sends.
    private async Task<ReplayReport> ReplayAsync(DateTime from, DateTime to, double sample = Sample, bool cloudEvents = false, bool outcomes = true)
    {
        var options = new ReplayOptions
        {
            From = from,
            To = to,
            Sample = sample,
            Speed = Speed,
            Drain = TimeSpan.FromMinutes(4),
            QuietPeriod = TimeSpan.FromSeconds(1),
            ProgressInterval = TimeSpan.FromSeconds(2),
            Amqp = system.Amqp,
            Model = TestModel.Name,
            CloudEvents = cloudEvents,
            SkipOutcomes = !outcomes,
            MaxRate = MaxRate,
            // An outcome goes out only once its prediction has come back, however long that takes on a busy machine: one
            // sent before its prediction was made could never be joined, and the tests expect every outcome joined.
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

    private async Task<long?> PredictionsCountedAsync() =>
        await TryGetJsonAsync("/api/v1/monitoring/models") is { } models
            ? models.GetProperty("models").EnumerateArray()
                .Where(model => model.GetProperty("model").GetString() == TestModel.Name)
                .Sum(model => model.GetProperty("predictions").GetInt64())
            : null;

    // The model's oldest drift alert in Monitor's history, once there is one.
    private async Task<JsonElement?> FirstDriftAlertAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadlines.DistributedState)
        {
            if (await TryGetJsonAsync($"/api/v1/monitoring/alerts?model={TestModel.Name}&kind=drift") is { } history
                && history.GetProperty("alerts").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } alert)
                return alert;
            await Task.Delay(PollInterval);
        }

        return null;
    }

    private async Task<long> ValueAsync(Func<Task<long?>> read, string what)
    {
        long? value = null;
        await WaitUntilAsync(async () => (value = await read()) is not null, what);
        return value!.Value;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadlines.DistributedState)
        {
            if (await condition())
                return;
            await Task.Delay(PollInterval);
        }

        throw system.Failure($"Timed out after {Deadlines.DistributedState.TotalSeconds:0} s waiting for {what}");
    }

    private async Task<JsonElement?> DriftRuleStateAsync()
    {
        var states = await GetJsonAsync("/api/v1/monitoring/alerts/active");
        foreach (var rule in states.GetProperty("rules").EnumerateArray())
        {
            if (rule.GetProperty("rule").GetString() == ReplaySystem.DriftRule && rule.GetProperty("model").GetString() == TestModel.Name)
                return rule;
        }

        return null;
    }

    // The count window's PSI per column, for failure messages.
    private async Task<string> DriftTableAsync()
    {
        var report = await GetJsonAsync($"/api/v1/monitoring/models/{TestModel.Name}/versions/{TestModel.Version}?window=count");
        return string.Join("\n", report.GetProperty("drift").EnumerateArray().Select(column => $"{column.GetProperty("column").GetString()}: psi {column.GetProperty("psi")}"));
    }

    private async Task<long?> FeedbackJoinedAsync() =>
        await TryGetJsonAsync("/api/v1/feedback/stats") is { } stats ? stats.GetProperty("joined").GetInt64() : null;

    private Task<JsonElement?> TryGetJsonAsync(string path) =>
        Poll.TryGetJsonAsync(system.Client, path, message => system.Failure(message));

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw system.Failure($"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
