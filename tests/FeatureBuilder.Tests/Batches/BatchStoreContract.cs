using FeatureBuilder.Batches;
using Modeling.Features;
using Modeling.Records;
using ServiceDefaults.Storage.Documents;

namespace FeatureBuilder.Tests.Batches;

/// <summary>
/// What the <see cref="BatchStore"/> must do on either provider of the document store. Each provider's test class
/// derives from it and says how to open the test's own (at first empty) database, and how to open it again as after
/// a restart. The tests are skippable: a provider whose server is not there (MongoDB without <c>MONGODB_URI</c>)
/// skips them with the reason.
/// </summary>
public abstract class BatchStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>This test's database; every call opens the same data.</summary>
    protected abstract IDocumentDatabase OpenDatabase();

    /// <summary>Closes what the earlier stores opened and opens the same data again, as a restarted service would.</summary>
    protected virtual BatchStore Reopen(BatchStore store) => CreateStore();

    /// <summary>A store on this test's data.</summary>
    protected BatchStore CreateStore() => new(OpenDatabase());

    [SkippableFact]
    public async Task A_new_batch_is_found_queued_with_everything_it_was_given()
    {
        var store = CreateStore();
        var batch = NewBatch();

        await store.CreateAsync(batch, None);

        Assert.Equal(batch, await store.FindAsync(batch.Id, None));
        Assert.Null(await store.FindAsync(Guid.CreateVersion7(), None));
    }

    [SkippableFact]
    public async Task Batches_are_listed_per_model_newest_first_up_to_the_limit()
    {
        var store = CreateStore();
        var first = NewBatch(submittedAt: Start);
        var second = NewBatch(submittedAt: Start.AddMinutes(1));
        var third = NewBatch(submittedAt: Start.AddMinutes(2));
        var otherModel = NewBatch(submittedAt: Start.AddMinutes(3)) with { ModelName = "other" };
        foreach (var batch in new[] { second, otherModel, third, first })
            await store.CreateAsync(batch, None);

        var listed = await store.ListAsync("flight-delay", 2, None);

        Assert.Equal([third.Id, second.Id], listed.Select(batch => batch.Id));
        Assert.Equal([otherModel.Id], (await store.ListAsync("other", 10, None)).Select(batch => batch.Id));
    }

    [SkippableFact]
    public async Task Starting_sets_running_once_and_keeps_the_first_start_time()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);

        var started = await store.UpdateAsync(batch.Id, stored => stored.Started(Start.AddSeconds(1)), None);
        var restarted = await store.UpdateAsync(batch.Id, stored => stored.Started(Start.AddSeconds(9)), None);

        Assert.Equal(BatchState.Running, started!.State);
        Assert.Equal(Start.AddSeconds(1), restarted!.StartedAt);
        Assert.Null(await store.UpdateAsync(Guid.CreateVersion7(), stored => stored.Started(Start), None));
    }

    [SkippableFact]
    public async Task Checkpoints_store_progress_and_invalid_rows_once_and_never_go_back()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        var invalid = new InvalidRow(3, [new FieldError("distance", FieldErrorCodes.OutOfRange, "too far")]);

        await store.CheckpointAsync(batch.Id, new BatchCheckpoint(2, 4000, 1, 10_000, [invalid]), None);
        // A resumed reader repeats an earlier checkpoint: nothing goes back, nothing is stored twice.
        var repeated = await store.CheckpointAsync(batch.Id, new BatchCheckpoint(1, 2000, 1, null, [invalid]), None);

        Assert.Equal(2, repeated!.ChunksPublished);
        Assert.Equal(4000, repeated.RowsRead);
        Assert.Equal(1, repeated.RowsInvalid);
        Assert.Equal(10_000, repeated.EstimatedRows);
        Assert.Null(repeated.TotalChunks);
        var stored = Assert.Single(await ToListAsync(store.ReadInvalidRowsAsync(batch.Id, None)));
        Assert.Equal(3, stored.RowNumber);
        Assert.Equal(invalid.Errors, stored.Errors);
    }

    [SkippableFact]
    public async Task A_batch_completes_when_the_last_chunk_arrives_after_reading_finished()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        await store.UpdateAsync(batch.Id, stored => stored.Started(Start), None);
        Assert.True(await store.AddChunkAsync(batch.Id, Chunk(0, 1, 2), Start, Retention, None));

        var read = await store.FinishReadingAsync(batch.Id, new BatchCheckpoint(2, 5, 0, 5, []), Start.AddSeconds(1), Retention, None);
        Assert.Equal(BatchState.Running, read!.State);
        Assert.Equal(2, read.TotalChunks);

        Assert.True(await store.AddChunkAsync(batch.Id, Chunk(1, 3, 5), Start.AddSeconds(2), Retention, None));

        var completed = await store.FindAsync(batch.Id, None);
        Assert.Equal(BatchState.Completed, completed!.State);
        Assert.Equal(5, completed.RowsScored);
        Assert.Equal(2, completed.ChunksScored);
        Assert.Equal(Start.AddSeconds(2), completed.FinishedAt);
        Assert.Equal(Start.AddSeconds(2) + Retention, completed.ExpiresAt);
    }

    [SkippableFact]
    public async Task A_batch_completes_when_reading_finishes_after_every_chunk_was_scored()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        await store.AddChunkAsync(batch.Id, Chunk(0, 1, 2), Start, Retention, None);

        var finished = await store.FinishReadingAsync(batch.Id, new BatchCheckpoint(1, 2, 0, 2, []), Start.AddSeconds(5), Retention, None);

        Assert.Equal(BatchState.Completed, finished!.State);
        Assert.Equal(Start.AddSeconds(5), finished.FinishedAt);
    }

    [SkippableFact]
    public async Task An_input_without_valid_rows_completes_with_no_chunks()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);

        var finished = await store.FinishReadingAsync(
            batch.Id, new BatchCheckpoint(0, 1, 1, 1, [new InvalidRow(1, [new FieldError("origin", FieldErrorCodes.Missing, "missing")])]), Start, Retention, None);

        Assert.Equal(BatchState.Completed, finished!.State);
        Assert.Equal(0, finished.TotalChunks);
        Assert.Empty(await ToListAsync(store.ReadResultsAsync(batch.Id, None)));
        Assert.Single(await ToListAsync(store.ReadInvalidRowsAsync(batch.Id, None)));
    }

    [SkippableFact]
    public async Task A_chunk_delivered_twice_is_stored_and_counted_once()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);

        Assert.True(await store.AddChunkAsync(batch.Id, Chunk(0, 1, 3), Start, Retention, None));
        Assert.False(await store.AddChunkAsync(batch.Id, Chunk(0, 1, 3) with { Labels = ["x", "x", "x"] }, Start, Retention, None));

        Assert.Equal(3, (await store.FindAsync(batch.Id, None))!.RowsScored);
        var stored = Assert.Single(await ToListAsync(store.ReadResultsAsync(batch.Id, None)));
        Assert.Equal(Chunk(0, 1, 3).Labels, stored.Labels);
    }

    [SkippableFact]
    public async Task A_chunk_stored_but_not_counted_before_a_crash_is_counted_when_it_is_delivered_again()
    {
        var database = OpenDatabase();
        var store = new BatchStore(database);
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        Assert.True(await store.AddChunkAsync(batch.Id, Chunk(0, 1, 3), Start, Retention, None));
        // As if the process had died between the chunk's insert and its count.
        var batches = database.Collection(BatchStore.Batches);
        var counted = (await batches.GetAsync(batch.Id.ToString(), None))!;
        Assert.True(await batches.ReplaceAsync(counted.Document with { RowsScored = 0, ChunksScored = 0 }, counted.Revision, None));

        Assert.False(await store.AddChunkAsync(batch.Id, Chunk(0, 1, 3), Start, Retention, None));

        var repaired = await store.FindAsync(batch.Id, None);
        Assert.Equal(3, repaired!.RowsScored);
        Assert.Equal(1, repaired.ChunksScored);
        Assert.Single(await ToListAsync(store.ReadResultsAsync(batch.Id, None)));
    }

    [SkippableFact]
    public async Task Results_come_back_in_chunk_order_with_every_column()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        var chunks = new[] { Chunk(2, 9, 10), Chunk(0, 1, 4), Chunk(1, 5, 8) };
        var withoutOptional = new ChunkResults(3, [11], null, null, null, [42.5f]);
        foreach (var chunk in chunks)
            await store.AddChunkAsync(batch.Id, chunk, Start, Retention, None);
        await store.AddChunkAsync(batch.Id, withoutOptional, Start, Retention, None);

        var results = await ToListAsync(store.ReadResultsAsync(batch.Id, None));

        Assert.Equal([0, 1, 2, 3], results.Select(chunk => chunk.ChunkIndex));
        AssertSame(chunks[1], results[0]);
        AssertSame(chunks[0], results[2]);
        AssertSame(withoutOptional, results[3]);
    }

    [SkippableFact]
    public async Task Chunks_of_a_deleted_batch_are_dropped()
    {
        var store = CreateStore();
        Assert.False(await store.AddChunkAsync(Guid.CreateVersion7(), Chunk(0, 1, 2), Start, Retention, None));
        Assert.Null(await store.CheckpointAsync(Guid.CreateVersion7(), new BatchCheckpoint(1, 1, 0, null, []), None));
    }

    [SkippableFact]
    public async Task A_failed_batch_keeps_its_reason_and_expires_after_the_retention()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);

        await store.UpdateAsync(batch.Id, stored => stored.Failed("the input has no 'origin' column", Start, Retention), None);

        var failed = await store.FindAsync(batch.Id, None);
        Assert.Equal(BatchState.Failed, failed!.State);
        Assert.Equal("the input has no 'origin' column", failed.Error);
        Assert.Empty(await store.ListExpiredAsync(Start + Retention - TimeSpan.FromSeconds(1), None));
        Assert.Equal([batch.Id], (await store.ListExpiredAsync(Start + Retention, None)).Select(expired => expired.Id));
    }

    [SkippableFact]
    public async Task Unfinished_batches_are_listed_oldest_first_for_resuming()
    {
        var store = CreateStore();
        var queued = NewBatch(submittedAt: Start.AddMinutes(1));
        var running = NewBatch(submittedAt: Start);
        var completed = NewBatch(submittedAt: Start.AddMinutes(2));
        foreach (var batch in new[] { queued, running, completed })
            await store.CreateAsync(batch, None);
        await store.UpdateAsync(running.Id, stored => stored.Started(Start), None);
        await store.FinishReadingAsync(completed.Id, new BatchCheckpoint(0, 0, 0, 0, []), Start, Retention, None);

        var unfinished = await store.ListUnfinishedAsync(None);

        Assert.Equal([running.Id, queued.Id], unfinished.Select(batch => batch.Id));
    }

    [SkippableFact]
    public async Task Deleting_removes_the_batch_its_results_and_its_invalid_rows()
    {
        var store = CreateStore();
        var batch = NewBatch();
        var kept = NewBatch();
        await store.CreateAsync(batch, None);
        await store.CreateAsync(kept, None);
        await store.CheckpointAsync(batch.Id, new BatchCheckpoint(1, 3, 1, null, [new InvalidRow(2, [new FieldError("origin", FieldErrorCodes.Missing, "missing")])]), None);
        await store.AddChunkAsync(batch.Id, Chunk(0, 1, 2), Start, Retention, None);
        await store.AddChunkAsync(kept.Id, Chunk(0, 1, 2), Start, Retention, None);

        Assert.Equal(batch.Id, (await store.DeleteAsync(batch.Id, None))?.Id);

        Assert.Null(await store.FindAsync(batch.Id, None));
        Assert.Empty(await ToListAsync(store.ReadResultsAsync(batch.Id, None)));
        Assert.Empty(await ToListAsync(store.ReadInvalidRowsAsync(batch.Id, None)));
        Assert.Null(await store.DeleteAsync(batch.Id, None));
        Assert.Single(await ToListAsync(store.ReadResultsAsync(kept.Id, None)));
    }

    [SkippableFact]
    public async Task Everything_is_still_there_after_the_store_is_reopened()
    {
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        await store.AddChunkAsync(batch.Id, Chunk(0, 1, 2), Start, Retention, None);

        var reopened = Reopen(store);

        Assert.Equal(2, (await reopened.FindAsync(batch.Id, None))!.RowsScored);
        Assert.False(await reopened.AddChunkAsync(batch.Id, Chunk(0, 1, 2), Start, Retention, None));
    }

    [SkippableFact]
    public async Task Concurrent_chunks_and_checkpoints_count_every_row_exactly_once()
    {
        const int Chunks = 40;
        var store = CreateStore();
        var batch = NewBatch();
        await store.CreateAsync(batch, None);
        // Every chunk delivered twice, racing each other and the reader's checkpoints.
        var deliveries = Enumerable.Range(0, Chunks).SelectMany(index => new[] { index, index })
            .Select(index => Task.Run(() => store.AddChunkAsync(batch.Id, Chunk(index, (index * 10) + 1, (index * 10) + 10), Start, Retention, None)));
        var checkpoints = Enumerable.Range(1, Chunks)
            .Select(published => Task.Run(() => store.CheckpointAsync(batch.Id, new BatchCheckpoint(published, published * 10L, 0, null, []), None)));

        var added = await Task.WhenAll(deliveries);
        await Task.WhenAll(checkpoints);
        await store.FinishReadingAsync(batch.Id, new BatchCheckpoint(Chunks, Chunks * 10L, 0, Chunks * 10L, []), Start, Retention, None);

        Assert.Equal(Chunks, added.Count(isNew => isNew));
        var done = await store.FindAsync(batch.Id, None);
        Assert.Equal(BatchState.Completed, done!.State);
        Assert.Equal(Chunks * 10L, done.RowsScored);
        Assert.Equal(Chunks, done.ChunksScored);
    }

    private static Batch NewBatch(DateTimeOffset? submittedAt = null) => Batch.Submitted(
        Guid.CreateVersion7(), "flight-delay", "3", """{"name":"flight-delay","version":"3"}""", RecordFormat.Parquet,
        "flights.parquet", "/data/batches/input.parquet", isUploaded: true, submittedAt ?? Start);

    private static ChunkResults Chunk(int index, long firstRow, long lastRow)
    {
        var rows = Enumerable.Range(0, (int)(lastRow - firstRow + 1)).Select(offset => firstRow + offset).ToArray();
        return new ChunkResults(
            index,
            rows,
            rows.Select(row => (string?)$"F{row}").ToArray(),
            rows.Select(row => (string?)(row % 2 == 0 ? "delayed" : "on-time")).ToArray(),
            rows.Select(row => row / 100f).ToArray(),
            null);
    }

    private static void AssertSame(ChunkResults expected, ChunkResults actual)
    {
        Assert.Equal(expected.ChunkIndex, actual.ChunkIndex);
        Assert.Equal(expected.RowNumbers, actual.RowNumbers);
        Assert.Equal(expected.EntityKeys, actual.EntityKeys);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Probabilities, actual.Probabilities);
        Assert.Equal(expected.Values, actual.Values);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}
