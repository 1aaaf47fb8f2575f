namespace FeatureBuilder.Batches;

/// <summary>
/// Batches, their invalid rows and their scored chunks, as FeatureBuilder keeps them. Every write is
/// idempotent: a checkpoint, an invalid row or a chunk's results stored twice (a redelivered message, a
/// batch resumed after a restart) changes nothing the second time, so every row is counted and stored once.
/// </summary>
/// <remarks>
/// The embedded store implements it with SQLite (<see cref="SqliteBatchStore"/>), MongoDB with
/// <see cref="MongoBatchStore"/>; both pass the contract tests in
/// <c>FeatureBuilder.Tests/Batches/BatchStoreContract</c>.
/// </remarks>
public interface IBatchStore
{
    /// <summary>Stores a new batch (its id must be new).</summary>
    Task CreateAsync(Batch batch, CancellationToken cancellationToken);

    /// <summary>The batch, or null when there is none with that id (never was, deleted or expired).</summary>
    Task<Batch?> FindAsync(Guid batchId, CancellationToken cancellationToken);

    /// <summary>The batches of <paramref name="modelName"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Batch>> ListAsync(string modelName, int limit, CancellationToken cancellationToken);

    /// <summary>The batches not finished yet (queued or running), oldest first: what a restarted service resumes.</summary>
    Task<IReadOnlyList<Batch>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>Marks a queued batch running from <paramref name="startedAt"/> (a running one keeps its start).</summary>
    /// <returns>The batch, or null when it no longer exists.</returns>
    Task<Batch?> StartAsync(Guid batchId, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Stores how far reading got and the rows refused since the last checkpoint. Counters never go back
    /// (a resumed batch that repeats a checkpoint leaves them as they are).
    /// </summary>
    /// <returns>The batch, or null when it no longer exists (deleted: the reader stops).</returns>
    Task<Batch?> CheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the last checkpoint and the number of chunks: the whole input was read. Completes the batch
    /// (at <paramref name="now"/>, expiring after <paramref name="retention"/>) when every chunk is already scored.
    /// </summary>
    /// <returns>The batch, or null when it no longer exists.</returns>
    Task<Batch?> FinishReadingAsync(Guid batchId, BatchCheckpoint checkpoint, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a chunk's results unless that chunk is stored already, and counts its rows. Completes the batch
    /// (at <paramref name="now"/>, expiring after <paramref name="retention"/>) when reading is finished and this
    /// was the last chunk. Results for a batch that no longer exists are dropped.
    /// </summary>
    /// <returns>True when the chunk was new; false when it was stored already or the batch is gone.</returns>
    Task<bool> AddChunkAsync(Guid batchId, ChunkResults results, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Marks the batch failed with <paramref name="reason"/>, at <paramref name="now"/>, expiring after <paramref name="retention"/>.</summary>
    Task FailAsync(Guid batchId, string reason, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>The stored chunks' results in chunk order (which is input order).</summary>
    IAsyncEnumerable<ChunkResults> ReadResultsAsync(Guid batchId, CancellationToken cancellationToken);

    /// <summary>The refused rows in input order.</summary>
    IAsyncEnumerable<InvalidRow> ReadInvalidRowsAsync(Guid batchId, CancellationToken cancellationToken);

    /// <summary>Deletes the batch with its results and invalid rows.</summary>
    /// <returns>The deleted batch (so its uploaded input can be removed), or null when there was none.</returns>
    Task<Batch?> DeleteAsync(Guid batchId, CancellationToken cancellationToken);

    /// <summary>The batches whose <see cref="Batch.ExpiresAt"/> is at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Batch>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
