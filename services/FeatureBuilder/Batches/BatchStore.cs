using System.Globalization;
using ServiceDefaults.Storage.Documents;

namespace FeatureBuilder.Batches;

/// <summary>
/// Batches (<c>batches</c>, key the id), their scored chunks (<c>batch_chunks</c>, key <c>{batch id}/{chunk index:D8}</c>) and
/// invalid rows (<c>invalid_rows</c>, key <c>{batch id}/{row number}</c>). Every write is idempotent: a chunk or a row is
/// inserted once by its key, and the batch document, changed by compare-and-set, counts each chunk once.
/// </summary>
public sealed class BatchStore([FromKeyedServices(FeatureBuilderService.StoreName)] IDocumentDatabase database)
{
    /// <summary>The batches; the retention deletes a batch with its upload (<see cref="BatchRetention"/>).</summary>
    public static readonly DocumentSchema<Batch> Batches = new()
    {
        Name = "batches",
        Key = batch => Key(batch.Id),
        Fields = [new("model", batch => batch.ModelName), new("submitted", batch => batch.SubmittedAt), new("state", batch => batch.State), new("expires", batch => batch.ExpiresAt)],
        Indexes = [["model", "submitted"], ["state", "submitted"], ["expires"]],
    };

    private readonly IDocuments<Batch> _batches = database.Collection(Batches);

    private readonly IDocuments<StoredChunk> _chunks = database.Collection(new DocumentSchema<StoredChunk>
    {
        Name = "batch_chunks",
        Key = chunk => string.Create(CultureInfo.InvariantCulture, $"{chunk.BatchId}/{chunk.Results.ChunkIndex:D8}"),
        Fields = [new("batch_id", chunk => chunk.BatchId)],
        Indexes = [["batch_id"]],
    });

    private readonly IDocuments<StoredRow> _rows = database.Collection(new DocumentSchema<StoredRow>
    {
        // Not batch_invalid_rows: in MongoDB that collection keeps the unique index of the previous layout.
        Name = "invalid_rows",
        Key = row => string.Create(CultureInfo.InvariantCulture, $"{row.BatchId}/{row.Row.RowNumber}"),
        Fields = [new("batch_id", row => row.BatchId), new("row", row => row.Row.RowNumber)],
        Indexes = [["batch_id", "row"]],
    });

    /// <summary>Stores a new batch (its id must be new).</summary>
    public async Task CreateAsync(Batch batch, CancellationToken cancellationToken)
    {
        if (!await _batches.InsertAsync(batch, cancellationToken))
            throw new InvalidOperationException($"Batch {batch.Id} is stored already.");
    }

    /// <summary>The batch, or null (never was, deleted or expired).</summary>
    public async Task<Batch?> FindAsync(Guid batchId, CancellationToken cancellationToken) =>
        (await _batches.GetAsync(Key(batchId), cancellationToken))?.Document;

    /// <summary>The batches of <paramref name="modelName"/>, newest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<Batch>> ListAsync(string modelName, int limit, CancellationToken cancellationToken) =>
        _batches.ListAsync(DocumentQuery.Where("model", modelName).OrderByDescending("submitted").Take(limit), cancellationToken);

    /// <summary>The batches not finished yet (queued or running), oldest first: what a restarted service resumes.</summary>
    public Task<IReadOnlyList<Batch>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        _batches.ListAsync(DocumentQuery.Where("state", Comparison.In, new[] { BatchState.Queued, BatchState.Running }).OrderByAscending("submitted"), cancellationToken);

    /// <summary>The batches whose <see cref="Batch.ExpiresAt"/> is at or before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<Batch>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _batches.ListAsync(DocumentQuery.Where("expires", Comparison.LessOrEqual, now).OrderByAscending("expires"), cancellationToken);

    /// <summary>Applies a rule of the batch (<see cref="Batch.Started"/>, <see cref="Batch.Failed"/>) by compare-and-set; the batch as changed, or null when it is gone.</summary>
    public Task<Batch?> UpdateAsync(Guid batchId, Func<Batch, Batch> change, CancellationToken cancellationToken) =>
        _batches.UpdateAsync(Key(batchId), change, cancellationToken);

    /// <summary>Stores the rows refused since the last checkpoint, then the progress; the batch, or null when it is gone.</summary>
    public Task<Batch?> CheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, CancellationToken cancellationToken) =>
        CheckpointAsync(batchId, checkpoint, batch => batch.Checkpointed(checkpoint), cancellationToken);

    /// <summary>Stores the last checkpoint (<see cref="Batch.ReadToEnd"/>); the batch, or null when it is gone.</summary>
    public Task<Batch?> FinishReadingAsync(Guid batchId, BatchCheckpoint checkpoint, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken) =>
        CheckpointAsync(batchId, checkpoint, batch => batch.ReadToEnd(checkpoint, now, retention), cancellationToken);

    /// <summary>Stores a chunk's results once and counts them once (<see cref="Batch.WithChunk"/>); true when new. Results for a batch that is gone are dropped.</summary>
    public async Task<bool> AddChunkAsync(Guid batchId, ChunkResults results, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var isNew = await _chunks.InsertAsync(new StoredChunk(batchId, results), cancellationToken);
        if (await _batches.UpdateAsync(Key(batchId), batch => batch.WithChunk(results.ChunkIndex, results.RowNumbers.Length, now, retention), cancellationToken) is not null)
            return isNew;
        await DeleteContentsAsync(batchId, cancellationToken);
        return false;
    }

    /// <summary>The stored chunks' results in chunk order (which is input order): key order, read along the batch_id index.</summary>
    public IAsyncEnumerable<ChunkResults> ReadResultsAsync(Guid batchId, CancellationToken cancellationToken) =>
        _chunks.StreamAsync(DocumentQuery.Where("batch_id", batchId), cancellationToken).Select(chunk => chunk.Document.Results);

    /// <summary>The refused rows in input order.</summary>
    public IAsyncEnumerable<InvalidRow> ReadInvalidRowsAsync(Guid batchId, CancellationToken cancellationToken) =>
        _rows.StreamAsync(DocumentQuery.Where("batch_id", batchId).OrderByAscending("row"), cancellationToken).Select(row => row.Document.Row);

    /// <summary>Deletes the batch with its results and invalid rows; the deleted batch (to remove its upload), or null when there was none.</summary>
    public async Task<Batch?> DeleteAsync(Guid batchId, CancellationToken cancellationToken)
    {
        if (await FindAsync(batchId, cancellationToken) is not { } batch)
            return null;
        // The batch last, so the next sweep finishes an interrupted delete; its contents once more after it, for a
        // writer that found it still there (a writer that finds it gone removes what it stored itself).
        await DeleteContentsAsync(batchId, cancellationToken);
        if (!await _batches.DeleteAsync(Key(batchId), cancellationToken))
            return null;
        await DeleteContentsAsync(batchId, cancellationToken);
        return batch;
    }

    private async Task<Batch?> CheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, Func<Batch, Batch> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        // The rows before the counters: a checkpoint interrupted in between is repeated by the resumed reader.
        await _rows.InsertManyAsync([.. checkpoint.InvalidRows.Select(row => new StoredRow(batchId, row))], cancellationToken);
        if (await _batches.UpdateAsync(Key(batchId), change, cancellationToken) is { } batch)
            return batch;
        await DeleteContentsAsync(batchId, cancellationToken);
        return null;
    }

    // What a batch holds besides itself, removed when it goes (or was gone when a writer stored it).
    private async Task DeleteContentsAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await _chunks.DeleteManyAsync(DocumentQuery.Where("batch_id", batchId), cancellationToken);
        await _rows.DeleteManyAsync(DocumentQuery.Where("batch_id", batchId), cancellationToken);
    }

    private static string Key(Guid batchId) => batchId.ToString();

    private sealed record StoredChunk(Guid BatchId, ChunkResults Results);

    private sealed record StoredRow(Guid BatchId, InvalidRow Row);
}
