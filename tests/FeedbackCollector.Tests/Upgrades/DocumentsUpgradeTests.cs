using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using FeedbackCollector.Tests.Outcomes;
using FeedbackCollector.Tests.Predictions;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Upgrades;

/// <summary>A database written before the document store (<see cref="BeforeDocuments"/>) opens, upgrades and reads back whole.</summary>
public sealed class DocumentsUpgradeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"feedback-upgrade-{Guid.NewGuid():N}");
    private readonly EmbeddedDatabase _database;

    public DocumentsUpgradeTests()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "feedbackcollector.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Upgrades", BeforeDocuments.FileName), path);
        _database = new EmbeddedDatabase(path, EmbeddedDatabase.UpgradesIn(typeof(FeedbackCollectorService).Assembly));
    }

    [Fact]
    public async Task Every_prediction_reads_back_as_it_was_logged_and_is_found_by_its_entity()
    {
        var log = new PredictionStore(_database);

        foreach (var expected in BeforeDocuments.Predictions)
            SamplePredictions.AssertSame(expected, await log.FindAsync(expected.PredictionId, None));
        var (full, shadow, bare) = (BeforeDocuments.Full, BeforeDocuments.Shadow, BeforeDocuments.Bare);
        Assert.Equal([shadow.PredictionId, full.PredictionId], (await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, None)).Select(prediction => prediction.PredictionId));
        Assert.Equal([full.PredictionId], (await log.FindLatestPerVersionAsync("flight-delay", "UA123", shadow.PredictedAt.AddTicks(-1), None)).Select(prediction => prediction.PredictionId));
        Assert.Equal(
            new[] { full.PredictionId, bare.PredictionId }.Order(),
            (await log.FindManyAsync([full.PredictionId, bare.PredictionId, Guid.CreateVersion7()], None)).Select(prediction => prediction.PredictionId).Order());

        Assert.Equal(0, await log.AddManyAsync([full with { Label = "changed" }], None));
        var added = SamplePredictions.Of("UA123", shadow.PredictedAt.AddTicks(1));
        Assert.Equal(1, await log.AddManyAsync([added], None));
        SamplePredictions.AssertSame(added, (await log.FindByEntityKeyAsync("flight-delay", "UA123", 1, None))[0]);
    }

    [Fact]
    public async Task Every_outcome_reads_back_in_its_state_and_is_found_counted_and_changed_as_before()
    {
        var store = new OutcomeStore(_database);

        foreach (var expected in BeforeDocuments.Outcomes)
        {
            var actual = await store.FindAsync(expected.OutcomeId, None);
            SampleOutcomes.AssertSame(expected, actual);
            Assert.Equal(expected.Published, actual!.Published);
        }

        Assert.Equal([BeforeDocuments.PendingByPrediction.OutcomeId], (await store.FindPendingByPredictionIdsAsync([BeforeDocuments.PendingByPrediction.PredictionId!.Value], None)).Select(outcome => outcome.OutcomeId));
        Assert.Equal([BeforeDocuments.PendingByEntity.OutcomeId], (await store.FindPendingByEntityKeysAsync([new EntityRef("flight-delay", "DL9")], None)).Select(outcome => outcome.OutcomeId));
        Assert.Equal([BeforeDocuments.JoinedNotPublished.OutcomeId], (await store.FindUnpublishedAsync(DateTimeOffset.MaxValue, 10, None)).Select(outcome => outcome.OutcomeId));
        var counts = await store.CountAsync(None);
        Assert.Equal(new OutcomeTally(Joined: 2, Pending: 2, Orphaned: 1, Duplicates: 3), counts.Total);
        Assert.Equal(new OutcomeTally(Joined: 2, Pending: 1, Orphaned: 0, Duplicates: 2), counts.Models["flight-delay"]);
        Assert.Equal(new OutcomeTally(Joined: 0, Pending: 0, Orphaned: 1, Duplicates: 1), counts.Models["other-model"]);

        var again = Assert.Single(await store.AddManyAsync([BeforeDocuments.JoinedAndPublished], None));
        Assert.Equal((false, 3L), (again.IsNew, again.Stored.Duplicates));
        Assert.Equal(2, await store.OrphanPendingAsync(BeforeDocuments.PendingByEntity.ReceivedAt.AddTicks(1), None));
        var added = SampleOutcomes.ForEntity("UA9");
        Assert.True(Assert.Single(await store.AddManyAsync([added], None)).IsNew);
        SampleOutcomes.AssertSame(added, await store.FindAsync(added.OutcomeId, None));
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
