using System.Globalization;
using System.Runtime.CompilerServices;
using Modeling.Features;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Batches;

/// <summary>
/// Batches in MongoDB: collections <c>batches</c>, <c>batch_chunks</c> (one document per scored chunk, its
/// results as arrays) and <c>batch_invalid_rows</c> of FeatureBuilder's database. Chunks and invalid rows are
/// keyed by <c>{batch id}:{index}</c>, so the server itself refuses a second copy; indexes are created on first use.
/// </summary>
/// <remarks>
/// <para>Without multi-document transactions (a standalone server has none), a chunk's insert and the batch's
/// counters cannot change together. So the counters are not incremented: after every chunk insert (new or
/// duplicate) they are recomputed from <c>batch_chunks</c> (a covered count and sum over the batch's chunks)
/// and raised with <c>$max</c>. A crash between the insert and the update is repaired by the redelivery, which
/// finds the chunk there and recomputes; concurrent recomputations only ever raise the counters. The cost is
/// one index scan of the batch's chunks per chunk, hundreds of entries.</para>
/// <para>Times are BSON dates (millisecond precision). No TTL index deletes batches: the retention sweeper must
/// delete the uploaded input too, so it uses <see cref="ListExpiredAsync"/> and <see cref="DeleteAsync"/>.</para>
/// </remarks>
public sealed class MongoBatchStore : IBatchStore, IDisposable
{
    private const string Queued = "queued";
    private const string Running = "running";

    private static readonly string[] Unfinished = [Queued, Running];

    private readonly IMongoCollection<BatchDocument> _batches;
    private readonly IMongoCollection<ChunkDocument> _chunks;
    private readonly IMongoCollection<InvalidRowDocument> _invalidRows;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (FeatureBuilder's database).</summary>
    public MongoBatchStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _batches = database.GetCollection<BatchDocument>("batches");
        _chunks = database.GetCollection<ChunkDocument>("batch_chunks");
        _invalidRows = database.GetCollection<InvalidRowDocument>("batch_invalid_rows");
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task CreateAsync(Batch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _indexes.EnsureAsync(cancellationToken);
        await _batches.InsertOneAsync(BatchDocument.From(batch), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Batch?> FindAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var document = await _batches.Find(ById(batchId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToBatch();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _batches.Find(Builders<BatchDocument>.Filter.Eq(batch => batch.ModelName, modelName))
            .Sort(Builders<BatchDocument>.Sort.Descending(batch => batch.SubmittedAt).Descending(batch => batch.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _batches.Find(Builders<BatchDocument>.Filter.In(batch => batch.State, Unfinished))
            .Sort(Builders<BatchDocument>.Sort.Ascending(batch => batch.SubmittedAt).Ascending(batch => batch.Id))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _batches.Find(Builders<BatchDocument>.Filter.Lte(batch => batch.ExpiresAt, now.UtcDateTime))
            .Sort(Builders<BatchDocument>.Sort.Ascending(batch => batch.ExpiresAt))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<Batch?> StartAsync(Guid batchId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var filter = Builders<BatchDocument>.Filter;
        await _batches.UpdateOneAsync(
            filter.And(ById(batchId), filter.In(batch => batch.State, Unfinished)),
            Builders<BatchDocument>.Update.Set(batch => batch.State, Running),
            cancellationToken: cancellationToken);
        // A resumed batch keeps its first start.
        await _batches.UpdateOneAsync(
            filter.And(ById(batchId), filter.Eq(batch => batch.StartedAt, null)),
            Builders<BatchDocument>.Update.Set(batch => batch.StartedAt, startedAt.UtcDateTime),
            cancellationToken: cancellationToken);
        return await FindAsync(batchId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Batch?> CheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteCheckpointAsync(batchId, checkpoint, finish: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Batch?> FinishReadingAsync(Guid batchId, BatchCheckpoint checkpoint, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteCheckpointAsync(batchId, checkpoint, (now, retention), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> AddChunkAsync(Guid batchId, ChunkResults results, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        await _indexes.EnsureAsync(cancellationToken);
        if (await FindAsync(batchId, cancellationToken) is null)
            return false;

        var isNew = true;
        try
        {
            await _chunks.InsertOneAsync(ChunkDocument.From(batchId, results), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            isNew = false;
        }

        await RecountAsync(batchId, cancellationToken);
        await CompleteIfDoneAsync(batchId, now, retention, cancellationToken);
        return isNew;
    }

    /// <inheritdoc />
    public async Task FailAsync(Guid batchId, string reason, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var filter = Builders<BatchDocument>.Filter;
        await _batches.UpdateOneAsync(
            filter.And(ById(batchId), filter.In(batch => batch.State, Unfinished)),
            Builders<BatchDocument>.Update
                .Set(batch => batch.State, "failed")
                .Set(batch => batch.Error, reason)
                .Set(batch => batch.FinishedAt, now.UtcDateTime)
                .Set(batch => batch.ExpiresAt, (now + retention).UtcDateTime),
            cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChunkResults> ReadResultsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _chunks.Find(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId))
            .Sort(Builders<ChunkDocument>.Sort.Ascending(chunk => chunk.ChunkIndex))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var chunk in cursor.Current)
                yield return chunk.ToResults();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<InvalidRow> ReadInvalidRowsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _invalidRows.Find(Builders<InvalidRowDocument>.Filter.Eq(row => row.BatchId, batchId))
            .Sort(Builders<InvalidRowDocument>.Sort.Ascending(row => row.RowNumber))
            .ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var row in cursor.Current)
                yield return row.ToInvalidRow();
        }
    }

    /// <inheritdoc />
    public async Task<Batch?> DeleteAsync(Guid batchId, CancellationToken cancellationToken)
    {
        if (await FindAsync(batchId, cancellationToken) is not { } batch)
            return null;
        await _chunks.DeleteManyAsync(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId), cancellationToken);
        await _invalidRows.DeleteManyAsync(Builders<InvalidRowDocument>.Filter.Eq(row => row.BatchId, batchId), cancellationToken);
        await _batches.DeleteOneAsync(ById(batchId), cancellationToken);
        return batch;
    }

    /// <summary>Releases the index set-up; the client belongs to the <see cref="ServiceDefaults.Storage.MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private async Task<Batch?> WriteCheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, (DateTimeOffset Now, TimeSpan Retention)? finish, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        if (await FindAsync(batchId, cancellationToken) is null)
            return null;

        if (checkpoint.InvalidRows.Count > 0)
        {
            var rows = checkpoint.InvalidRows.DistinctBy(row => row.RowNumber).Select(row => InvalidRowDocument.From(batchId, row)).ToList();
            try
            {
                // Unordered: every row is tried even when some were stored by an earlier run of the same checkpoint.
                await _invalidRows.InsertManyAsync(rows, new InsertManyOptions { IsOrdered = false }, cancellationToken);
            }
            catch (MongoBulkWriteException<InvalidRowDocument> exception)
                when (exception.WriteConcernError is null && exception.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
            {
                // Those rows are stored already.
            }
        }

        var update = Builders<BatchDocument>.Update
            .Max(batch => batch.ChunksPublished, checkpoint.ChunksPublished)
            .Max(batch => batch.RowsRead, checkpoint.RowsRead)
            .Max(batch => batch.RowsInvalid, checkpoint.RowsInvalid);
        if (checkpoint.EstimatedRows is { } estimated)
            update = update.Set(batch => batch.EstimatedRows, estimated);
        if (finish is not null)
            update = update.Max(batch => batch.TotalChunks, checkpoint.ChunksPublished);
        await _batches.UpdateOneAsync(ById(batchId), update, cancellationToken: cancellationToken);

        if (finish is { } done)
            await CompleteIfDoneAsync(batchId, done.Now, done.Retention, cancellationToken);
        return await FindAsync(batchId, cancellationToken);
    }

    // Sets the scored counters from the stored chunks (see the remarks).
    private async Task RecountAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var totals = await _chunks.Aggregate()
            .Match(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId))
            .Group(new BsonDocument
            {
                ["_id"] = BsonNull.Value,
                ["chunks"] = new BsonDocument("$sum", 1),
                ["rows"] = new BsonDocument("$sum", "$rowCount"),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (totals is null)
            return;
        await _batches.UpdateOneAsync(
            ById(batchId),
            Builders<BatchDocument>.Update
                .Max(batch => batch.ChunksScored, totals["chunks"].ToInt32())
                .Max(batch => batch.RowsScored, totals["rows"].ToInt64()),
            cancellationToken: cancellationToken);
    }

    private async Task CompleteIfDoneAsync(Guid batchId, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        var filter = Builders<BatchDocument>.Filter;
        var done = filter.And(
            ById(batchId),
            filter.In(batch => batch.State, Unfinished),
            filter.Ne(batch => batch.TotalChunks, null),
            new BsonDocumentFilterDefinition<BatchDocument>(new BsonDocument("$expr", new BsonDocument("$gte", new BsonArray { "$chunksScored", "$totalChunks" }))));
        await _batches.UpdateOneAsync(
            done,
            Builders<BatchDocument>.Update
                .Set(batch => batch.State, "completed")
                .Set(batch => batch.FinishedAt, now.UtcDateTime)
                .Set(batch => batch.ExpiresAt, (now + retention).UtcDateTime),
            cancellationToken: cancellationToken);
    }

    private static FilterDefinition<BatchDocument> ById(Guid batchId) => Builders<BatchDocument>.Filter.Eq(batch => batch.Id, batchId);

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var batch = Builders<BatchDocument>.IndexKeys;
        await _batches.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BatchDocument>(batch.Ascending(b => b.ModelName).Descending(b => b.SubmittedAt).Descending(b => b.Id), new CreateIndexOptions { Name = "batches_by_model" }),
            new CreateIndexModel<BatchDocument>(batch.Ascending(b => b.State).Ascending(b => b.SubmittedAt).Ascending(b => b.Id), new CreateIndexOptions { Name = "batches_by_state" }),
            new CreateIndexModel<BatchDocument>(batch.Ascending(b => b.ExpiresAt), new CreateIndexOptions { Name = "batches_by_expiry" }),
        ], cancellationToken);
        // Covers the recount (batchId, rowCount) and the ordered read of a batch's chunks.
        await _chunks.Indexes.CreateOneAsync(
            new CreateIndexModel<ChunkDocument>(
                Builders<ChunkDocument>.IndexKeys.Ascending(chunk => chunk.BatchId).Ascending(chunk => chunk.ChunkIndex).Ascending(chunk => chunk.RowCount),
                new CreateIndexOptions { Name = "batch_chunks_by_batch" }),
            cancellationToken: cancellationToken);
        await _invalidRows.Indexes.CreateOneAsync(
            new CreateIndexModel<InvalidRowDocument>(
                Builders<InvalidRowDocument>.IndexKeys.Ascending(row => row.BatchId).Ascending(row => row.RowNumber),
                new CreateIndexOptions { Name = "batch_invalid_rows_by_batch" }),
            cancellationToken: cancellationToken);
    }

    /// <summary>A batch as stored.</summary>
    internal sealed class BatchDocument
    {
        [BsonId]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid Id { get; init; }

        [BsonElement("modelName")] public required string ModelName { get; init; }

        [BsonElement("modelVersion")] public required string ModelVersion { get; init; }

        [BsonElement("cardJson")] public required string CardJson { get; init; }

        [BsonElement("format")] public required string Format { get; init; }

        [BsonElement("inputName")] public required string InputName { get; init; }

        [BsonElement("inputPath")] public required string InputPath { get; init; }

        [BsonElement("isUploaded")] public bool IsUploaded { get; init; }

        [BsonElement("state")] public required string State { get; init; }

        [BsonElement("submittedAt")] public DateTime SubmittedAt { get; init; }

        [BsonElement("startedAt")] public DateTime? StartedAt { get; init; }

        [BsonElement("finishedAt")] public DateTime? FinishedAt { get; init; }

        [BsonElement("expiresAt")] public DateTime? ExpiresAt { get; init; }

        [BsonElement("rowsRead")] public long RowsRead { get; init; }

        [BsonElement("rowsInvalid")] public long RowsInvalid { get; init; }

        [BsonElement("rowsScored")] public long RowsScored { get; init; }

        [BsonElement("estimatedRows")] public long? EstimatedRows { get; init; }

        [BsonElement("chunksPublished")] public int ChunksPublished { get; init; }

        [BsonElement("chunksScored")] public int ChunksScored { get; init; }

        [BsonElement("totalChunks")] public int? TotalChunks { get; init; }

        [BsonElement("error")] public string? Error { get; init; }

        public static BatchDocument From(Batch batch) => new()
        {
            Id = batch.Id,
            ModelName = batch.ModelName,
            ModelVersion = batch.ModelVersion,
            CardJson = batch.CardJson,
            Format = BatchFormats.NameOf(batch.Format),
            InputName = batch.InputName,
            InputPath = batch.InputPath,
            IsUploaded = batch.IsUploaded,
            State = batch.State.ToString().ToLowerInvariant(),
            SubmittedAt = batch.SubmittedAt.UtcDateTime,
            StartedAt = batch.StartedAt?.UtcDateTime,
            FinishedAt = batch.FinishedAt?.UtcDateTime,
            ExpiresAt = batch.ExpiresAt?.UtcDateTime,
            RowsRead = batch.RowsRead,
            RowsInvalid = batch.RowsInvalid,
            RowsScored = batch.RowsScored,
            EstimatedRows = batch.EstimatedRows,
            ChunksPublished = batch.ChunksPublished,
            ChunksScored = batch.ChunksScored,
            TotalChunks = batch.TotalChunks,
            Error = batch.Error,
        };

        public Batch ToBatch() => new(
            Id,
            ModelName,
            ModelVersion,
            CardJson,
            BatchFormats.FromName(Format) ?? throw new InvalidDataException($"Unknown batch format '{Format}' in the store."),
            InputName,
            InputPath,
            IsUploaded,
            Enum.Parse<BatchState>(State, ignoreCase: true),
            Utc(SubmittedAt),
            StartedAt is { } started ? Utc(started) : null,
            FinishedAt is { } finished ? Utc(finished) : null,
            ExpiresAt is { } expires ? Utc(expires) : null,
            RowsRead,
            RowsInvalid,
            RowsScored,
            EstimatedRows,
            ChunksPublished,
            ChunksScored,
            TotalChunks,
            Error);

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }

    /// <summary>A scored chunk as stored.</summary>
    internal sealed class ChunkDocument
    {
        // "{batch id}:{chunk index}": a second copy of the chunk is refused by the server.
        [BsonId] public required string Id { get; init; }

        [BsonElement("batchId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid BatchId { get; init; }

        [BsonElement("chunkIndex")] public int ChunkIndex { get; init; }

        [BsonElement("rowCount")] public int RowCount { get; init; }

        [BsonElement("rowNumbers")] public required long[] RowNumbers { get; init; }

        [BsonElement("entityKeys")] public string?[]? EntityKeys { get; init; }

        [BsonElement("labels")] public string?[]? Labels { get; init; }

        [BsonElement("probabilities")] public float[]? Probabilities { get; init; }

        [BsonElement("values")] public float[]? Values { get; init; }

        public static ChunkDocument From(Guid batchId, ChunkResults results) => new()
        {
            Id = $"{batchId:N}:{results.ChunkIndex.ToString(CultureInfo.InvariantCulture)}",
            BatchId = batchId,
            ChunkIndex = results.ChunkIndex,
            RowCount = results.RowNumbers.Length,
            RowNumbers = results.RowNumbers,
            EntityKeys = results.EntityKeys,
            Labels = results.Labels,
            Probabilities = results.Probabilities,
            Values = results.Values,
        };

        public ChunkResults ToResults() => new(ChunkIndex, RowNumbers, EntityKeys, Labels, Probabilities, Values);
    }

    /// <summary>An invalid row as stored.</summary>
    internal sealed class InvalidRowDocument
    {
        // "{batch id}:{row number}": a row is stored once however often its checkpoint is repeated.
        [BsonId] public required string Id { get; init; }

        [BsonElement("batchId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid BatchId { get; init; }

        [BsonElement("rowNumber")] public long RowNumber { get; init; }

        [BsonElement("errors")] public required FieldErrorDocument[] Errors { get; init; }

        public static InvalidRowDocument From(Guid batchId, InvalidRow row) => new()
        {
            Id = $"{batchId:N}:{row.RowNumber.ToString(CultureInfo.InvariantCulture)}",
            BatchId = batchId,
            RowNumber = row.RowNumber,
            Errors = [.. row.Errors.Select(error => new FieldErrorDocument { Field = error.Field, Code = error.Code, Message = error.Message })],
        };

        public InvalidRow ToInvalidRow() => new(RowNumber, [.. Errors.Select(error => new FieldError(error.Field, error.Code, error.Message))]);
    }

    /// <summary>One field error of an invalid row.</summary>
    internal sealed class FieldErrorDocument
    {
        [BsonElement("field")] public required string Field { get; init; }

        [BsonElement("code")] public required string Code { get; init; }

        [BsonElement("message")] public required string Message { get; init; }
    }
}
