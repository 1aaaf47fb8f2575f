using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retrainer.Retraining;
using Retrainer.Rollouts;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Upgrades;

/// <summary>
/// A <c>retrainer.db</c> written by the stores before the document store (<see cref="BeforeDocuments"/>) opens with
/// today's stores (upgrade <c>001-documents.sql</c>): every record comes back as written, and new writes work.
/// </summary>
public sealed class DocumentsUpgradeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"retrainer-upgrade-{Guid.NewGuid():N}");
    private readonly List<EmbeddedDatabase> _databases = [];

    [Fact]
    public async Task Every_rollout_comes_back_as_written_and_is_found_by_model_and_activity()
    {
        var store = new RolloutStore(OpenFixture());

        foreach (var rollout in BeforeDocuments.Rollouts())
            Assert.Equal(JsonSerializer.Serialize(rollout), JsonSerializer.Serialize(await store.FindAsync(rollout.ModelName, rollout.RolloutId, None)));
        Assert.Equal(["r-running", "r-rolled-back", "r-promoted"], (await store.ListAsync("flight-delay", 10, None)).Select(rollout => rollout.RolloutId));
        Assert.Equal(["r-paused", "r-running"], (await store.ActiveAsync(None)).Select(rollout => rollout.RolloutId));

        var running = BeforeDocuments.Rollouts()[0];
        await store.SaveAsync(running with { State = RolloutState.Promoted }, None);
        await store.SaveAsync(running with { RolloutId = "r-new", StartedAt = BeforeDocuments.Start.AddDays(1) }, None);
        Assert.Equal(["r-new", "r-running", "r-rolled-back", "r-promoted"], (await store.ListAsync("flight-delay", 10, None)).Select(rollout => rollout.RolloutId));
        Assert.Equal(["r-paused", "r-new"], (await store.ActiveAsync(None)).Select(rollout => rollout.RolloutId));
    }

    [Fact]
    public async Task Every_retraining_job_comes_back_as_written_and_is_found_by_model_and_state()
    {
        var store = new RetrainingJobStore(OpenFixture());

        foreach (var job in BeforeDocuments.Jobs())
            Assert.Equal(JsonSerializer.Serialize(job), JsonSerializer.Serialize(await store.FindAsync(job.Model, job.JobId, None)));
        Assert.Equal(["job-running", "job-failed", "job-succeeded"], (await store.ListAsync("flight-delay", 10, None)).Select(job => job.JobId));
        Assert.Equal(["job-running"], (await store.RunningAsync(None)).Select(job => job.JobId));

        await store.SaveAsync(BeforeDocuments.Jobs()[0] with { JobId = "job-new", RequestedAt = BeforeDocuments.Start.AddDays(1) }, None);
        Assert.Equal(["job-running", "job-new"], (await store.RunningAsync(None)).Select(job => job.JobId));
    }

    [Fact]
    public async Task Every_labelled_row_comes_back_as_written_with_its_storage_time_to_the_tick()
    {
        var clock = new ManualClock(BeforeDocuments.SecondStoredAt.AddDays(1));
        var store = new LabelledRowStore(OpenFixture(), clock);
        var written = BeforeDocuments.FirstRows().Concat(BeforeDocuments.SecondRows()).ToList();
        var flightDelay = written.Where(row => row.ModelName == "flight-delay")
            .OrderByDescending(row => row.ObservedAt).ThenByDescending(row => row.OutcomeId.ToString("D"), StringComparer.Ordinal).ToList();

        Assert.Equal(flightDelay, await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, 100));
        Assert.All(await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, 100), row => Assert.Equal(TimeSpan.Zero, row.ObservedAt.Offset));
        Assert.Equal([written[3]], await NewestAsync(store, "churn", null, DateTimeOffset.MaxValue, 100));
        Assert.Equal(BeforeDocuments.Start.AddTicks(1), await NewestObservedAtAsync(store, "flight-delay"));
        Assert.Equal(5, (await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, int.MaxValue)).Count);

        // A new row is stored, an old one again is not.
        var added = written[0] with { OutcomeId = Guid.NewGuid(), ObservedAt = BeforeDocuments.Start.AddDays(1) };
        Assert.Equal(1, await store.AddAsync([added, written[0]], None));
        // Keeping 4 of 6 drops the oldest, then the first of the three observed at the same time (by outcome id).
        Assert.Equal(2, await store.TrimAsync("flight-delay", 4, DateTimeOffset.MinValue, None));
        Assert.Equal([added, written[5], written[4], written[2]], await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, 100));
        // Rows stored before the first batch's exact time: none; before one tick later: the first batch's.
        Assert.Equal(0, await store.TrimAsync("flight-delay", 100, BeforeDocuments.FirstStoredAt, None));
        Assert.Equal(1, await store.TrimAsync("flight-delay", 100, BeforeDocuments.FirstStoredAt.AddTicks(1), None));
        Assert.Equal([added, written[5], written[4]], await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, 100));
    }

    [Fact]
    public async Task An_upgraded_file_and_a_new_one_have_the_same_tables_and_indexes()
    {
        var upgraded = OpenFixture();
        var created = Open(Path.Combine(_folder, "new.db"), upgrades: false);
        var upgradedNew = Open(Path.Combine(_folder, "upgraded-new.db"), upgrades: true);
        foreach (var database in new[] { upgraded, created, upgradedNew })
        {
            await new RolloutStore(database).ActiveAsync(None);
            await new RetrainingJobStore(database).RunningAsync(None);
            await NewestObservedAtAsync(new LabelledRowStore(database, TimeProvider.System), "flight-delay");
        }

        var layout = await LayoutAsync(created);
        Assert.Equal(layout, await LayoutAsync(upgraded));
        Assert.Equal(layout, await LayoutAsync(upgradedNew));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private EmbeddedDatabase OpenFixture()
    {
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, "retrainer.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Upgrades", "retrainer-before-documents.db"), file);
        return Open(file, upgrades: true);
    }

    private EmbeddedDatabase Open(string file, bool upgrades)
    {
        var database = new EmbeddedDatabase(file, upgrades ? EmbeddedDatabase.UpgradesIn(typeof(RetrainerService).Assembly) : null);
        _databases.Add(database);
        return database;
    }

    private static async Task<List<string>> LayoutAsync(EmbeddedDatabase database)
    {
        await using var connection = await database.OpenAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name";
        var layout = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(None);
        while (await reader.ReadAsync(None))
            layout.Add(reader.GetString(0));
        return layout;
    }

    // The newest rows first, as retraining reads them, at most limit.
    private static async Task<List<LabelledRow>> NewestAsync(LabelledRowStore store, string model, DateTimeOffset? from, DateTimeOffset before, int limit) =>
        await store.ReadAsync(model, from ?? DateTimeOffset.MinValue, before, newestFirst: true, CancellationToken.None).Take(limit).ToListAsync();

    private static async Task<DateTimeOffset?> NewestObservedAtAsync(LabelledRowStore store, string model) =>
        (await NewestAsync(store, model, null, DateTimeOffset.MaxValue, 1)).FirstOrDefault()?.ObservedAt;
}
