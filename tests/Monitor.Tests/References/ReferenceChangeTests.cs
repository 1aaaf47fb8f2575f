using System.Text.Json;
using Contracts.Models;
using MassTransit;
using Modeling.Cards;
using Modeling.Statistics;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;

namespace Monitor.Tests.References;

/// <summary>
/// A version's reference while Monitor runs: a card served again with a new reference is used at once (counts of columns
/// with the same bins kept, the others started again); a card without one gets a live reference from the version's first
/// predictions, which it sends to the registry for the version's card.
/// </summary>
public sealed class ReferenceChangeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-references-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(Now);
    private readonly MonitoringOptions _options = new() { CountWindow = 1000, LiveReferenceRows = 200 };
    private MonitorServices _monitor = null!;

    public async Task InitializeAsync() => _monitor = await MonitorServices.StartAsync(_folder, _clock, _options);

    public async Task DisposeAsync()
    {
        await _monitor.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_card_served_again_with_a_new_reference_is_used_at_once_keeping_the_counts_of_columns_whose_bins_stay()
    {
        var card = MonitorTestData.Card(MonitorTestData.Rows(seed: 1, count: 5000, shift: false));
        await _monitor.ServeAsync(card);
        await PredictAsync(card, MonitorTestData.Rows(seed: 2, count: 1000, shift: false));
        Assert.Equal("training", _monitor.Report(card).Reference.Kind);

        // The registry replaces the reference: computed on other rows (a dataset), so the distance deciles move while the
        // origin categories and the probability's ten equal bins stay.
        var replaced = MonitorTestData.Card(MonitorTestData.Rows(seed: 3, count: 4000, shift: false));
        replaced = card with { Reference = replaced.Reference! with { Source = "dataset", Dataset = "flights.csv" } };
        await _monitor.ServeAsync(replaced);

        var report = _monitor.Report(card);
        Assert.Equal(("dataset", 4000L, "flights.csv"), (report.Reference.Kind, report.Reference.Rows, report.Reference.Dataset));
        Assert.Equal(1000, Column(report, "origin").Rows);
        Assert.Equal(1000, Column(report, ReferenceProfile.PredictionColumn).Rows);
        Assert.Equal(0, Column(report, "distance").Rows);
        Assert.Equal(1000, report.Window.Predictions);
        // The kept counts are compared with the new reference's shares.
        var origin = replaced.Reference!.Columns.Single(column => column.Column == "origin").Frequencies!;
        var compared = _monitor.Versions.Existing(card.Name, card.Version)!.Profile.Columns.Single(column => column.Column == "origin");
        Assert.Equal([.. origin.Values.Select(share => Math.Round(share / origin.Values.Sum(), 12)), 0], compared.Expected.Select(share => Math.Round(share, 12)));

        // The time window (one hour: every prediction so far) counts on.
        await PredictAsync(card, MonitorTestData.Rows(seed: 4, count: 100, shift: false));
        var time = _monitor.Report(card, WindowKind.Time);
        Assert.Equal((1100L, 100L), (Column(time, "origin").Rows, Column(time, "distance").Rows));

        // Served again unchanged: nothing is rebuilt.
        var profile = _monitor.Versions.Existing(card.Name, card.Version)!.Profile;
        await _monitor.ServeAsync(replaced);
        Assert.Same(profile, _monitor.Versions.Existing(card.Name, card.Version)!.Profile);
    }

    [Fact]
    public async Task A_version_without_a_reference_gets_one_from_its_first_predictions_and_keeps_it_after_a_restart()
    {
        var card = TaskTestData.MulticlassCard([], withReference: false);
        await _monitor.ServeAsync(card);
        var first = TaskTestData.MulticlassRows(seed: 5, count: 200);
        await PredictAsync(card, first.Take(150));

        var collecting = _monitor.Report(card);
        Assert.Null(collecting.Reference.Kind);
        Assert.Equal((150L, 200), (collecting.Reference.LiveRowsCollected, collecting.Reference.LiveRowsNeeded));
        Assert.Empty(collecting.Drift);

        await PredictAsync(card, first.Skip(150));
        var live = _monitor.Report(card);
        Assert.Equal(("live", 200L), (live.Reference.Kind, live.Reference.Rows));
        Assert.Null(live.Reference.LiveRowsCollected);
        Assert.Equal(["x", "color=red", "color=green", "color=<unknown>", ReferenceProfile.PredictionColumn], live.Drift.Select(column => column.Column));
        // The reference is the registry's summary of those 200 predictions.
        var expected = new ReferenceStatisticsBuilder(card);
        foreach (var row in first)
            expected.Add(row.Features, new Modeling.Scoring.ModelScore(row.Predicted, row.Probabilities[row.Predicted], float.NaN), [], null);
        var built = _monitor.Versions.Existing(card.Name, card.Version)!.Profile.Reference!;
        Assert.Equal(expected.Build().Columns[0].Quantiles, built.Columns[0].Quantiles);
        Assert.Equal(expected.Build().Output!.PredictedClasses, built.Output!.PredictedClasses);

        // Later traffic is compared with it: like the first, no drift; from elsewhere, drift.
        await PredictAsync(card, TaskTestData.MulticlassRows(seed: 6, count: 1000));
        Assert.True(Column(_monitor.Report(card), "x").Psi < 0.1);
        await PredictAsync(card, TaskTestData.MulticlassRows(seed: 7, count: 1000, shift: true));
        Assert.True(Column(_monitor.Report(card), "x").Psi > 0.2);

        // It goes to the registry, which writes it into the version's card: after a restart, the card served has it.
        var sent = Assert.Single(_monitor.Bus.Published.Select<LiveReferenceBuilt>()).Context.Message;
        Assert.Equal((card.Name, card.Version), (sent.ModelName, sent.Version));
        var reference = JsonSerializer.Deserialize<ReferenceStatistics>(sent.ReferenceJson, ModelCardJson.Options)!;
        Assert.Equal(("live", 200L), (reference.Source, reference.Rows));
        await _monitor.DisposeAsync();
        _monitor = await MonitorServices.StartAsync(_folder, _clock, _options);
        await _monitor.ServeAsync(card with { Reference = reference });
        var windows = _monitor.Versions.Windows(card.Name, card.Version)!;
        Assert.Equal(("live", 200L), (windows.Profile.ReferenceKind, windows.Profile.Reference!.Rows));
        Assert.Null(windows.CollectingReference);
        Assert.Equal(expected.Build().Columns[0].Quantiles, windows.Profile.Reference.Columns[0].Quantiles);
        await PredictAsync(card, TaskTestData.MulticlassRows(seed: 8, count: 1000, shift: true));
        Assert.True(Column(_monitor.Report(card), "x").Psi > 0.2);
    }

    [Fact]
    public async Task A_version_collecting_a_live_reference_takes_the_card_s_when_the_registry_adds_one()
    {
        var rows = TaskTestData.MulticlassRows(seed: 9, count: 3000);
        var card = TaskTestData.MulticlassCard(rows, withReference: false);
        await _monitor.ServeAsync(card);
        await PredictAsync(card, rows.Take(50));
        Assert.Equal(50, _monitor.Report(card).Reference.LiveRowsCollected);

        await _monitor.ServeAsync(TaskTestData.MulticlassCard(rows));
        await PredictAsync(card, rows.Skip(50).Take(300));

        var report = _monitor.Report(card, WindowKind.Time);
        Assert.Equal(("dataset", 3000L), (report.Reference.Kind, report.Reference.Rows));
        Assert.Null(report.Reference.LiveRowsCollected);
        Assert.Equal(300, Column(report, "x").Rows);
    }

    [Fact]
    public async Task Buckets_restored_or_read_after_a_reference_change_are_compared_column_by_column_with_the_new_one()
    {
        var card = MonitorTestData.Card(MonitorTestData.Rows(seed: 10, count: 5000, shift: false));
        await _monitor.ServeAsync(card);
        await PredictAsync(card, MonitorTestData.Rows(seed: 11, count: 300, shift: false));
        await _monitor.Keeper.TickAsync(default);

        var replaced = card with { Reference = MonitorTestData.Card(MonitorTestData.Rows(seed: 12, count: 4000, shift: false)).Reference };
        await _monitor.DisposeAsync();
        _monitor = await MonitorServices.StartAsync(_folder, _clock, _options);
        await _monitor.ServeAsync(replaced);
        var windows = _monitor.Versions.Windows(card.Name, card.Version)!;
        var store = _monitor.Buckets;
        foreach (var bucket in await store.ListAsync(card.Name, card.Version, Now.AddHours(-1), Now.AddHours(1), default))
        {
            var content = BucketContent.FromJson(bucket.AggregateJson);
            lock (windows)
                windows.Restore(new TimeBucket(bucket.Start, bucket.End - bucket.Start, content.Predictions, content.Outcomes));
        }

        var report = _monitor.Report(card, WindowKind.Time);
        Assert.Equal((300L, 300L, 0L), (Column(report, "origin").Rows, Column(report, ReferenceProfile.PredictionColumn).Rows, Column(report, "distance").Rows));
        var timeline = await VersionTimeline.ReadAsync(windows, store, Now.AddHours(-1), Now.AddHours(1), default);
        var point = Endpoints.TimelinePoint.Of(windows.Profile, Assert.Single(timeline));
        Assert.NotNull(point.Drift["origin"]);
        Assert.Null(point.Drift["distance"]);
    }

    private async Task PredictAsync(ModelCard card, IEnumerable<(float[] Features, float Probability)> rows)
    {
        foreach (var (features, probability) in rows)
            await _monitor.Recorder.RecordAsync([MonitorTestData.Prediction(card, features, probability, _clock.GetUtcNow())], default);
    }

    private async Task PredictAsync(ModelCard card, IEnumerable<TaskTestData.MulticlassRow> rows)
    {
        foreach (var row in rows)
            await _monitor.Recorder.RecordAsync([TaskTestData.MulticlassPrediction(card, row, _clock.GetUtcNow())], default);
    }

    private static ColumnDriftReport Column(WindowReport report, string column) => report.Drift.Single(entry => entry.Column == column);
}
