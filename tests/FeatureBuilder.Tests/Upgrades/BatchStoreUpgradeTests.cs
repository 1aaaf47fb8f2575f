using FeatureBuilder.Batches;
using Modeling.Features;
using Modeling.Records;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Tests.Upgrades;

/// <summary>
/// A <c>featurebuilder.db</c> written by the last version with tables of its own (<c>SqliteBatchStore</c>; the file is
/// <c>featurebuilder-before-documents.db</c>) opens with today's <see cref="BatchStore"/>: every batch, chunk and invalid
/// row comes back as it was written, the queries find them, and new writes count on from there.
/// </summary>
public sealed class BatchStoreUpgradeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    // What the fixture was written with.
    private static readonly Batch Queued = Batch.Submitted(
        Guid.Parse("019a0000-0000-7000-8000-000000000001"), "flight-delay", "3", """{"name":"flight-delay","version":"3","description":"Délais \"quoted\"\nline"}""",
        RecordFormat.Csv, "flights é.csv", "/data/batches/a.csv", isUploaded: true, T0);

    private static readonly Batch Running = Batch.Submitted(
            Guid.Parse("019a0000-0000-7000-8000-000000000002"), "flight-delay", "3", "{}", RecordFormat.JsonLines, "input.jsonl", "/inputs/input.jsonl", isUploaded: false, T0.AddTicks(1))
        with { State = BatchState.Running, StartedAt = T0.AddSeconds(1).AddTicks(9), RowsRead = 12, RowsInvalid = 2, RowsScored = 5, EstimatedRows = 40, ChunksPublished = 3, ChunksScored = 2 };

    private static readonly Batch Completed = Batch.Submitted(
            Guid.Parse("019a0000-0000-7000-8000-000000000003"), "other-model", "1", "{}", RecordFormat.Parquet, "flights.parquet", "/data/batches/c.parquet", isUploaded: true, T0.AddMinutes(1))
        with
        {
            State = BatchState.Completed, StartedAt = T0.AddMinutes(1).AddTicks(3), FinishedAt = T0.AddMinutes(2).AddTicks(5), ExpiresAt = T0.AddMinutes(2).AddTicks(5) + Retention,
            RowsRead = 4, RowsInvalid = 1, RowsScored = 3, EstimatedRows = 4, ChunksPublished = 2, ChunksScored = 2, TotalChunks = 2,
        };

    private static readonly Batch Failed = Batch.Submitted(
            Guid.Parse("019a0000-0000-7000-8000-000000000004"), "flight-delay", "2", "{}", RecordFormat.Csv, "bad.csv", "/data/batches/d.csv", isUploaded: true, T0.AddMinutes(3))
        with
        {
            State = BatchState.Failed, StartedAt = T0.AddMinutes(3).AddTicks(7), FinishedAt = T0.AddMinutes(4).AddTicks(11), ExpiresAt = T0.AddMinutes(4).AddTicks(11) + Retention,
            RowsRead = 8, RowsScored = 6, ChunksPublished = 4, ChunksScored = 3, Error = "The batch's input file is gone.",
        };

    private static readonly int[] FailedChunks = [0, 1, 3];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"batch-upgrade-{Guid.NewGuid():N}");
    private readonly List<EmbeddedDatabase> _databases = [];

    [Fact]
    public async Task Every_batch_chunk_and_invalid_row_written_before_reads_back_as_it_was_written()
    {
        var store = Open();

        foreach (var (expected, ahead) in new[] { (Queued, (int[]?)null), (Running, [2]), (Completed, null), (Failed, [3]) })
        {
            var found = await store.FindAsync(expected.Id, None);
            Assert.Equal(expected, found! with { ChunksScoredAhead = null });
            Assert.Equal(ahead, found.ChunksScoredAhead);
        }

        AssertSame(
            [
                new ChunkResults(0, [1, 2, 3], ["F1", null, "F3"], ["on-time", "delayed", null], [0.25f, 0.125f, 1e-7f], null),
                new ChunkResults(2, [9, 10], null, null, null, [42.5f, -1.5f]),
            ],
            await ToListAsync(store.ReadResultsAsync(Running.Id, None)));
        AssertSame(
            [new ChunkResults(0, [1, 2], ["A", "B"], ["x", "y"], [0.5f, 0.75f], null), new ChunkResults(1, [4], ["D"], ["z"], [0.875f], null)],
            await ToListAsync(store.ReadResultsAsync(Completed.Id, None)));
        AssertSame(
            [.. FailedChunks.Select(index => new ChunkResults(index, [(index * 2) + 1, (index * 2) + 2], null, ["a", "b"], [0.1f, 0.2f], null))],
            await ToListAsync(store.ReadResultsAsync(Failed.Id, None)));
        Assert.Empty(await ToListAsync(store.ReadResultsAsync(Queued.Id, None)));

        var invalid = await ToListAsync(store.ReadInvalidRowsAsync(Running.Id, None));
        Assert.Equal([4L, 11L], invalid.Select(row => row.RowNumber));
        Assert.Equal([new FieldError("distance", FieldErrorCodes.OutOfRange, "too far"), new FieldError("origin", FieldErrorCodes.Missing, "missing")], invalid[0].Errors);
        Assert.Equal([new FieldError("carrier", FieldErrorCodes.Missing, "a \"quoted\" message")], invalid[1].Errors);
        Assert.Equal([new FieldError("origin", FieldErrorCodes.Missing, "missing")], Assert.Single(await ToListAsync(store.ReadInvalidRowsAsync(Completed.Id, None))).Errors);
    }

    [Fact]
    public async Task The_queries_find_the_batches_written_before_by_model_state_and_expiry()
    {
        var store = Open();

        Assert.Equal([Failed.Id, Running.Id, Queued.Id], (await store.ListAsync("flight-delay", 10, None)).Select(batch => batch.Id));
        Assert.Equal([Queued.Id, Running.Id], (await store.ListUnfinishedAsync(None)).Select(batch => batch.Id));
        Assert.Empty(await store.ListExpiredAsync(Completed.ExpiresAt!.Value.AddTicks(-1), None));
        Assert.Equal([Completed.Id], (await store.ListExpiredAsync(Completed.ExpiresAt.Value, None)).Select(batch => batch.Id));
        Assert.Equal([Completed.Id, Failed.Id], (await store.ListExpiredAsync(Failed.ExpiresAt!.Value, None)).Select(batch => batch.Id));
    }

    [Fact]
    public async Task New_writes_count_on_from_what_was_counted_before()
    {
        var store = Open();

        Assert.False(await store.AddChunkAsync(Running.Id, new ChunkResults(2, [9, 10], null, null, null, [0f, 0f]), T0, Retention, None));
        Assert.True(await store.AddChunkAsync(Running.Id, new ChunkResults(1, [5, 6, 7], null, null, null, [1f, 2f, 3f]), T0, Retention, None));
        var done = await store.FinishReadingAsync(Running.Id, new BatchCheckpoint(3, 12, 2, 12, []), T0.AddHours(1), Retention, None);
        Assert.False(await store.AddChunkAsync(Failed.Id, new ChunkResults(3, [7, 8], null, ["a", "b"], [0.1f, 0.2f], null), T0, Retention, None));
        var next = Batch.Submitted(Guid.CreateVersion7(), "flight-delay", "3", "{}", RecordFormat.Csv, "next.csv", "/data/batches/next.csv", isUploaded: true, T0.AddDays(1));
        await store.CreateAsync(next, None);

        Assert.Equal((BatchState.Completed, 3, 8L, null), (done!.State, done.ChunksScored, done.RowsScored, done.ChunksScoredAhead));
        Assert.Equal([0, 1, 2], (await ToListAsync(Open().ReadResultsAsync(Running.Id, None))).Select(chunk => chunk.ChunkIndex));
        Assert.Equal((3, 6L), ((await store.FindAsync(Failed.Id, None))!.ChunksScored, (await store.FindAsync(Failed.Id, None))!.RowsScored));
        Assert.Equal(next, await Open().FindAsync(next.Id, None));
        Assert.Equal(Completed.Id, (await store.DeleteAsync(Completed.Id, None))?.Id);
        Assert.Empty(await ToListAsync(store.ReadInvalidRowsAsync(Completed.Id, None)));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    // The fixture copied to this test's folder on first use, opened as the service opens it (upgrade scripts first).
    private BatchStore Open()
    {
        var path = Path.Combine(_folder, $"{FeatureBuilderService.StoreName}.db");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(_folder);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Upgrades", "featurebuilder-before-documents.db"), path);
        }

        var database = new EmbeddedDatabase(path, EmbeddedDatabase.UpgradesIn(typeof(FeatureBuilderService).Assembly));
        _databases.Add(database);
        return new BatchStore(database);
    }

    private static void AssertSame(List<ChunkResults> expected, List<ChunkResults> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (wanted, read) in expected.Zip(actual))
        {
            Assert.Equal(wanted.ChunkIndex, read.ChunkIndex);
            Assert.Equal(wanted.RowNumbers, read.RowNumbers);
            Assert.Equal(wanted.EntityKeys, read.EntityKeys);
            Assert.Equal(wanted.Labels, read.Labels);
            Assert.Equal(wanted.Probabilities, read.Probabilities);
            Assert.Equal(wanted.Values, read.Values);
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}
