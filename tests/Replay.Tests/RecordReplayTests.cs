using Replay.Records;
using Replay.Results;
using TestSupport;

namespace Replay.Tests;

/// <summary>A replay of another model than the flights': the weather demo's card and a records file, reported per quarter.</summary>
public sealed class RecordReplayTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("replay-weather-").FullName;

    [Fact]
    public async Task A_multiclass_replay_sends_the_label_as_the_outcome_and_reports_accuracy_per_quarter_from_the_labels_received()
    {
        var card = RepositoryFiles.Find("demo/seattle-weather/model-card.json");
        var target = await ReplayTarget.ReadAsync(card, labelField: null, CancellationToken.None);
        // Six days a quarter: the platform answers "rain" whenever it rained, else "sun".
        var rows = new List<string> { "date,precipitation,temp_max,temp_min,wind,weather" };
        string[] weather = ["rain", "sun", "fog", "rain", "drizzle", "sun"];
        foreach (var quarter in new[] { 1, 4, 7 })
        {
            for (var day = 0; day < weather.Length; day++)
                rows.Add($"2013-{quarter:00}-{day + 1:00},{(weather[day] is "rain" or "drizzle" ? "3.1" : "0.0")},10,2,3,{weather[day]}");
        }

        var file = Path.Combine(_folder, "weather.csv");
        await File.WriteAllLinesAsync(file, rows);
        var options = new ReplayOptions
        {
            Card = card,
            DataFile = file,
            Model = "seattle-weather",
            Period = ReplayPeriod.Quarter,
            From = new DateTime(2013, 1, 1),
            To = new DateTime(2014, 1, 1),
            Speed = 86_400 * 10,
            Lead = TimeSpan.FromHours(1),
            OutcomeLag = TimeSpan.FromHours(20),
            Drain = TimeSpan.Zero,
            OutcomeHold = TimeSpan.Zero,
        };
        var time = new ManualTime { AutoAdvance = true };
        var platform = new FakePlatform(time) { AnswerLabel = request => request.GetProperty("record").GetProperty("precipitation").GetDouble() > 0 ? "rain" : "sun" };
        var records = RecordFile.ReadAsync(file, target.Features, "date", "weather", options.From, options.To, new RecordSampler(1));

        var report = await new Replayer(options, platform, time, TextWriter.Null, target).RunAsync(records, CancellationToken.None);

        Assert.Equal(["2013-Q1", "2013-Q2", "2013-Q3"], report.Periods.Select(period => period.Period));
        foreach (var period in report.Periods)
        {
            Assert.Equal((6L, 6L, 6L), (period.RequestsSent, period.OutcomesSent, period.PredictionsReceived));
            Assert.Equal(4 / 6.0, period.Live.Accuracy!.Value, precision: 12); // fog and drizzle are missed
            Assert.Equal(["rain", "sun", "drizzle", "fog"], period.LabelShares.Keys);
            Assert.Null(period.MeanPrediction);
        }

        var request = platform.Published.First(message => message.RoutingKey == "prediction.requested").Document.GetProperty("record");
        Assert.Equal(["date", "precipitation", "temp_max", "temp_min", "wind"], request.EnumerateObject().Select(field => field.Name));
        Assert.Equal(3.1, request.GetProperty("precipitation").GetDouble());
        var outcome = platform.Published.First(message => message.RoutingKey == "outcome.observed").Document;
        Assert.Equal("rain", outcome.GetProperty("label").GetString());
        Assert.False(outcome.TryGetProperty("value", out _));
        var markdown = report.ToMarkdown();
        Assert.Contains("| quarter | requests sent | predictions received | true labels | live accuracy | live macro-F1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2013-Q1 | 6 | 6 | rain 33%, sun 33%, drizzle 17%, fog 17% | 0.6667 |", markdown, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
