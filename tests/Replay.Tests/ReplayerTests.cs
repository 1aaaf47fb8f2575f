using System.Globalization;
using System.Text.Json;
using Contracts.Monitoring;
using Modeling.Flights;
using Replay.Flights;
using Replay.Records;
using Replay.Results;
using static Replay.Tests.TestFlights;

namespace Replay.Tests;

/// <summary>The replay loop over an in-memory platform and a test clock: when it sends what, and what it reports.</summary>
public sealed class ReplayerTests
{
    private static readonly ReplayOptions Options = new()
    {
        From = new DateTime(2001, 1, 1),
        To = new DateTime(2001, 3, 1),
        Speed = 3600,
        Lead = TimeSpan.FromHours(1),
        Drain = TimeSpan.Zero,
        ProgressInterval = TimeSpan.FromHours(1),
        OutcomeHold = TimeSpan.Zero,
    };

    [Fact]
    public async Task Requests_and_outcomes_go_out_at_their_stream_time_divided_by_the_speed()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time) { Answer = _ => 0.5 };
        var flights = new[]
        {
            At("2001-01-03T07:00", delay: 90, row: 0),
            At("2001-01-03T07:30", delay: 0, row: 1),
            At("2001-01-03T12:00", delay: 20, row: 2),
        };

        await new Replayer(Options, platform, time, TextWriter.Null).RunAsync(Stream(flights), CancellationToken.None);

        // Stream: 06:00 request 0, 06:30 request 1, 07:30 outcome 1, 08:30 outcome 0, 11:00 request 2, 12:20 outcome 2.
        var expected = new (string RoutingKey, string Key, double WallSeconds)[]
        {
            ("prediction.requested", flights[0].EntityKey, 0),
            ("prediction.requested", flights[1].EntityKey, 0.5),
            ("outcome.observed", flights[1].EntityKey, 1.5),
            ("outcome.observed", flights[0].EntityKey, 2.5),
            ("prediction.requested", flights[2].EntityKey, 5),
            ("outcome.observed", flights[2].EntityKey, 6 + 20 / 60.0),
        };
        Assert.Equal(expected.Select(e => (e.RoutingKey, e.Key)), platform.Published.Select(message => (message.RoutingKey, message.EntityKey)));
        var start = platform.Published[0].At;
        foreach (var (message, wanted) in platform.Published.Zip(expected))
            Assert.Equal(wanted.WallSeconds, (message.At - start).TotalSeconds, tolerance: 0.001); // waits under 1 ms are skipped
        Assert.Equal(90, platform.Published[3].Document.GetProperty("value").GetInt32());
        Assert.Equal("flight-delay", platform.Model);
    }

    [Fact]
    public async Task An_outcome_due_before_its_prediction_came_back_waits_for_it_up_to_the_hold()
    {
        var time = new ManualTime { AutoAdvance = true };
        var flights = new[]
        {
            At("2001-01-03T07:00", delay: 0, row: 0), // request t = 0 s, outcome due t = 1 s; answered only at t = 2 s
            At("2001-01-03T09:00", delay: 0, row: 1), // request t = 2 s, answered at once, outcome t = 3 s
            At("2001-01-03T13:00", delay: 0, row: 2), // request t = 6 s, never answered, outcome due t = 7 s
        };
        var platform = new FakePlatform(time)
        {
            Answer = request => request.GetProperty("entityKey").GetString() == flights[1].EntityKey ? 0.3 : null,
            AfterRequest = (platform, count) =>
            {
                if (count == 2)
                    platform.Deliver("prediction.made.flight-delay", $$"""{"correlationId":"{{platform.Published[0].MessageId}}","version":"1","probability":0.6}""");
            },
        };

        var report = await new Replayer(Options with { OutcomeHold = TimeSpan.FromSeconds(3) }, platform, time, TextWriter.Null)
            .RunAsync(Stream(flights), CancellationToken.None);

        var start = platform.Published[0].At;
        double SentAt(int flight) => (platform.Published.Single(message => message.RoutingKey == "outcome.observed" && message.EntityKey == flights[flight].EntityKey).At - start).TotalSeconds;
        Assert.InRange(SentAt(0), 2, 2.02);  // as soon as its prediction came back
        Assert.Equal(3, SentAt(1), tolerance: 0.001); // on time
        Assert.InRange(SentAt(2), 10, 10.02); // the hold ran out
        Assert.Equal((2L, 1L, 3L), (report.Totals.OutcomesHeld, report.Totals.OutcomesWithoutPrediction, report.Totals.OutcomesSent));
    }

    [Fact]
    public async Task The_rate_cap_spaces_the_events_out_whatever_the_speed()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time);
        var flights = Enumerable.Range(0, 10).Select(i => At($"2001-01-03T07:{i:00}", delay: 5, row: i));

        await new Replayer(Options with { Speed = 1e6, MaxRate = 10 }, platform, time, TextWriter.Null).RunAsync(Stream(flights), CancellationToken.None);

        Assert.Equal(20, platform.Published.Count);
        var gaps = platform.Published.Zip(platform.Published.Skip(1)).Select(pair => (pair.Second.At - pair.First.At).TotalSeconds).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= 0.099, $"{gap:0.###} s between two events at 10/s"));
        Assert.Equal(1.9, (platform.Published[^1].At - platform.Published[0].At).TotalSeconds, tolerance: 0.01);
    }

    [Fact]
    public async Task Live_auc_per_month_comes_from_the_probabilities_received_and_the_true_labels()
    {
        var time = new ManualTime { AutoAdvance = true };
        var random = new Random(11);
        var flights = new List<ScheduledFlight>();
        var departure = new DateTime(2001, 1, 20);
        for (var row = 0; row < 600; row++)
        {
            departure = departure.AddMinutes(random.Next(30, 180));
            flights.Add(new ScheduledFlight(new FlightRecord(departure, random.Next(-15, 60), 700, "ATL", "BOS"), row));
        }

        // The platform answers nine requests in ten, with a probability that leans towards the truth.
        var flightsByKey = flights.ToDictionary(flight => flight.EntityKey);
        var answered = new Dictionary<string, float>();
        var platform = new FakePlatform(time)
        {
            Answer = request =>
            {
                var key = request.GetProperty("entityKey").GetString()!;
                var flight = flightsByKey[key];
                var hash = RecordSampler.Position(key);
                if (hash < 0.1)
                    return null;
                var probability = (float)Math.Clamp(0.2 + (flight.Flight.IsLate ? 0.25 : 0) + (hash - 0.5) * 0.6, 0.01, 0.99);
                answered[key] = probability;
                return probability;
            },
        };

        var report = await new Replayer(Options with { Speed = 1e6 }, platform, time, TextWriter.Null).RunAsync(Stream(flights), CancellationToken.None);

        Assert.Equal(flights.Select(flight => flight.Departure.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Distinct(), report.Periods.Select(month => month.Period));
        Assert.True(report.Periods.Count >= 2);
        foreach (var month in report.Periods)
        {
            var ofMonth = flights.Where(flight => flight.Departure.ToString("yyyy-MM", CultureInfo.InvariantCulture) == month.Period).ToList();
            var predicted = ofMonth.Where(flight => answered.ContainsKey(flight.EntityKey)).ToList();
            Assert.Equal(ofMonth.Count, month.RequestsSent);
            Assert.Equal(ofMonth.Count, month.OutcomesSent);
            Assert.Equal(predicted.Count, month.PredictionsReceived);
            Assert.Equal(ofMonth.Count(flight => flight.Flight.Delay > 15) / (double)ofMonth.Count, month.MeanTruth!.Value, precision: 12);
            Assert.Equal(predicted.Average(flight => (double)answered[flight.EntityKey]), month.MeanPrediction!.Value, precision: 6);
            var expectedAuc = PairwiseAuc(predicted.Select(flight => (answered[flight.EntityKey], flight.Flight.IsLate)).ToList());
            Assert.Equal(expectedAuc, month.Live.Auc!.Value, precision: 12);
            Assert.InRange(month.Live.Auc.Value, 0.6, 0.95);
        }

        Assert.Equal(flights.Count, report.Totals.RequestsSent);
        Assert.Equal(answered.Count, report.Totals.PredictionsReceived);
        Assert.Equal(new Dictionary<string, long> { ["1"] = answered.Count }, report.Totals.Versions);
    }

    [Fact]
    public async Task An_alert_is_recorded_at_the_stream_time_it_arrives_and_counted_in_its_month_and_the_training_period()
    {
        var time = new ManualTime { AutoAdvance = true };
        var flights = new[]
        {
            At("2001-01-30T10:00", 0, row: 0),
            At("2001-01-31T10:00", 0, row: 1),
            At("2001-01-31T22:00", 0, row: 2),
            At("2001-02-01T10:00", 0, row: 3),
            At("2001-02-02T10:00", 0, row: 4),
        };
        var platform = new FakePlatform(time)
        {
            Answer = _ => 0.2,
            AfterRequest = (platform, count) =>
            {
                var now = time.GetUtcNow();
                if (count == 2)
                    platform.Deliver("alert.drift.flight-delay", Drift("flight-delay", now, "date.hour"));
                if (count == 4)
                    platform.Deliver("alert.drift.other-model", Drift("other-model", now, "origin"));
                if (count == 5)
                    platform.Deliver("alert.drift.flight-delay", Drift("flight-delay", now, "date.month"));
            },
        };

        var report = await new Replayer(Options with { Speed = 36_000 }, platform, time, TextWriter.Null).RunAsync(Stream(flights), CancellationToken.None);

        Assert.Equal(2, report.Alerts.Count);
        var (first, second) = (report.Alerts[0], report.Alerts[1]);
        // Delivered while request 2 (stream 2001-01-31 09:00) was being sent; the clock may trail by waits under 1 ms (36 s of stream).
        Assert.InRange(first.StreamTime, new DateTime(2001, 1, 31, 8, 59, 0), new DateTime(2001, 1, 31, 9, 0, 0));
        Assert.Equal(new DateTime(2001, 1, 31, 9, 0, 0), first.WindowEndStreamTime);
        Assert.Equal(("drift", "input-drift", "1"), (first.Kind, first.Rule, first.ModelVersion));
        Assert.Equal(["date.hour"], first.Drifted);
        Assert.InRange(second.StreamTime, new DateTime(2001, 2, 2, 8, 59, 0), new DateTime(2001, 2, 2, 9, 0, 0));
        Assert.Equal([1, 1], report.Periods.Select(month => month.Alerts));
        Assert.Equal(1, report.AlertsInTrainingPeriod);

        var markdown = report.ToMarkdown();
        Assert.Contains("| 2001-01 | 3 | 3 | 0.0% | 0.2000 | – | – | 1: 100.0% | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| drift | input-drift | 1 | date.month (psi 0.9) |", markdown, StringComparison.Ordinal);
        Assert.Contains("Alerts during the training period (2001-01-01 – 2001-02-01): **1**", markdown, StringComparison.Ordinal);
        var json = JsonDocument.Parse(report.ToJson()).RootElement;
        Assert.Equal(1, json.GetProperty("alertsInTrainingPeriod").GetInt32());
        Assert.Equal("date.month", json.GetProperty("alerts")[1].GetProperty("drifted")[0].GetString());
        Assert.Equal(3, json.GetProperty("periods")[0].GetProperty("requestsSent").GetInt32());
    }

    [Fact]
    public async Task Duplicate_predictions_and_predictions_for_other_requests_are_not_counted()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time)
        {
            Answer = _ => 0.4,
            AfterRequest = (platform, count) =>
            {
                if (count != 2)
                    return;
                var firstRequest = platform.Published.First(message => message.RoutingKey == "prediction.requested");
                platform.Deliver("prediction.made.flight-delay", $$"""{"correlationId":"{{firstRequest.MessageId}}","version":"1","probability":0.9}""");
                platform.Deliver("prediction.made.flight-delay", """{"correlationId":"someone-else:1","version":"1","probability":0.9}""");
                platform.Deliver("prediction.made.flight-delay", """{"correlationId":"someone-else:1","version":"1"}""");
            },
        };

        var report = await new Replayer(Options, platform, time, TextWriter.Null).RunAsync(
            Stream([At("2001-01-03T07:00", 0, row: 0), At("2001-01-03T08:00", 30, row: 1)]), CancellationToken.None);

        Assert.Equal((2L, 1L, 1L, 1L), (report.Totals.PredictionsReceived, report.Totals.DuplicatePredictions, report.Totals.OtherPredictions, report.Totals.UnreadableMessages));
        Assert.Equal(0.4, report.Periods[0].MeanPrediction!.Value, precision: 6);
    }

    [Fact]
    public async Task Messages_no_queue_takes_are_counted_and_named_in_the_report()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time) { Routes = false };
        var progress = new StringWriter();

        var report = await new Replayer(Options, platform, time, progress).RunAsync(
            Stream([At("2001-01-03T07:00", 0, row: 0), At("2001-01-03T08:00", 30, row: 1)]), CancellationToken.None);

        Assert.Equal((2L, 2L), (report.Totals.UnroutableRequests, report.Totals.UnroutableOutcomes));
        Assert.Contains("2 outcomes found no queue", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("no queue is bound to outcome.observed", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_stops_the_sending_and_reports_what_was_sent()
    {
        var time = new ManualTime { AutoAdvance = true };
        using var stop = new CancellationTokenSource();
        var platform = new FakePlatform(time) { AfterRequest = (_, count) => { if (count == 3) stop.Cancel(); } };
        var flights = Enumerable.Range(0, 10).Select(i => At($"2001-01-03T{i + 8:00}:00", 0, row: i));

        var report = await new Replayer(Options with { SkipOutcomes = true, Drain = TimeSpan.FromMinutes(5) }, platform, time, TextWriter.Null)
            .RunAsync(Stream(flights), stop.Token);

        Assert.False(report.Completed);
        Assert.Equal(3, report.Totals.RequestsSent);
        Assert.Equal(0, report.Totals.OutcomesSent);
        Assert.Contains("STOPPED", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_drain_waits_its_full_length_for_a_missing_prediction_and_progress_lines_show_the_stream_date()
    {
        var time = new ManualTime { AutoAdvance = true };
        var flights = new[] { At("2001-01-03T07:00", 0, row: 0), At("2001-01-03T09:00", 0, row: 1) };
        var platform = new FakePlatform(time) { Answer = request => request.GetProperty("entityKey").GetString() == flights[0].EntityKey ? 0.3 : null };
        var progress = new StringWriter();

        var report = await new Replayer(Options with { Drain = TimeSpan.FromSeconds(20), ProgressInterval = TimeSpan.FromSeconds(5) }, platform, time, progress)
            .RunAsync(Stream(flights), CancellationToken.None);

        // Last event (the second flight's outcome) 3 s after the first (stream 06:00 → 09:00 at 3600×), then 20 s of drain.
        Assert.Equal(23, report.Duration.TotalSeconds, tolerance: 0.01);
        Assert.True(report.Completed);
        Assert.Contains("stream 2001-01-03 09:00 | requests 2 | outcomes 2 | predictions 1 | alerts 0", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_drain_ends_ten_quiet_seconds_after_the_last_message_once_every_request_is_answered()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time) { Answer = _ => 0.3 };

        var report = await new Replayer(Options with { Drain = TimeSpan.FromMinutes(5) }, platform, time, TextWriter.Null)
            .RunAsync(Stream([At("2001-01-03T07:00", 0, row: 0), At("2001-01-03T09:00", 0, row: 1)]), CancellationToken.None);

        // The last prediction came with the last request (2 s); the last event at 3 s; quiet for 10 s from the drain's start.
        Assert.InRange(report.Duration.TotalSeconds, 13, 14);
        Assert.True(report.Completed);
    }

    [Fact]
    public async Task A_shorter_quiet_period_ends_the_drain_that_much_sooner()
    {
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time) { Answer = _ => 0.3 };

        var report = await new Replayer(Options with { Drain = TimeSpan.FromMinutes(5), QuietPeriod = TimeSpan.FromSeconds(1) }, platform, time, TextWriter.Null)
            .RunAsync(Stream([At("2001-01-03T07:00", 0, row: 0), At("2001-01-03T09:00", 0, row: 1)]), CancellationToken.None);

        // As above, quiet for 1 s from the drain's start (at 3 s) instead of 10.
        Assert.InRange(report.Duration.TotalSeconds, 4, 5);
        Assert.True(report.Completed);
    }

    private static string Drift(string model, DateTimeOffset now, string column) => JsonSerializer.Serialize(
        new DriftDetected(Guid.NewGuid(), model, "1", "input-drift", "last 200 predictions", now.AddSeconds(-5), now, 200,
            [new ColumnDrift(column, "psi", 0.9, 0.2, null)], now),
        JsonSerializerOptions.Web);

    private static double PairwiseAuc(IReadOnlyList<(float Score, bool Late)> rows)
    {
        double wins = 0;
        long pairs = 0;
        foreach (var positive in rows.Where(row => row.Late))
        {
            foreach (var negative in rows.Where(row => !row.Late))
            {
                pairs++;
                wins += positive.Score > negative.Score ? 1 : positive.Score == negative.Score ? 0.5 : 0;
            }
        }

        return wins / pairs;
    }
}
