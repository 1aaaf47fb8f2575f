using System.Globalization;
using System.Runtime.CompilerServices;
using Modeling.Features;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Batches;

/// <summary>
/// Batches in MongoDB: collections <c>batches</c> (one document per batch, <c>_id</c> = batch id),
/// <c>batch_chunks</c> (one document per scored chunk, its results as arrays) and <c>batch_invalid_rows</c>
/// (one document per refused row) of FeatureBuilder's database. Chunks and invalid rows are keyed by
/// <c>"{batch id}:{chunk index}"</c> and <c>"{batch id}:{row number}"</c>, so the server itself refuses a
/// second copy. Indexes are created on first use.
/// </summary>
/// <remarks>
/// <para>Writes use the database's majority write concern (<see cref="MongoStore"/>).</para>
/// <para>Counting scored chunks exactly, without transactions (a standalone server has none, so a chunk's
/// insert and the batch's counters cannot change together): the counters are never incremented. After every
/// chunk insert, new or duplicate, <c>rowsScored</c> and <c>chunksScored</c> are recomputed from
/// <c>batch_chunks</c> (count and sum of <c>rowCount</c> over the batch's chunks, covered by the index
/// <c>{ batchId, chunkIndex, rowCount }</c>, so no chunk document is read) and raised with <c>$max</c>.
/// Concurrent recounts only ever raise the counters, and the last one to start sees every chunk stored
/// before it, so they end exact; a crash (or a cancellation) between a chunk's insert and the recount is
/// repaired by the chunk's redelivery, which finds it stored and recounts. <c>$inc</c> after a successful
/// insert would leave that window open (the redelivered chunk is a duplicate and would not be counted),
/// and a list of counted chunks in the batch document grows with the batch. A recount costs one index scan
/// of the batch's chunks, hundreds of keys for a batch of millions of rows (5,000 rows per chunk): a few
/// milliseconds per chunk at most.</para>
/// <para>Times are <c>{ DateTime, Ticks, Offset }</c> documents (always UTC), as in the prediction log:
/// <c>DateTime</c> is a BSON date for people, <c>Ticks</c> the exact value, which queries sort and compare on.</para>
/// <para>No TTL index deletes batches: the retention sweeper (<see cref="BatchRetention"/>) must delete a
/// batch's uploaded input file too, so it finds them with <see cref="ListExpiredAsync"/> and deletes them
/// with <see cref="DeleteAsync"/>.</para>
/// </remarks>
public sealed class MongoBatchStore : IBatchStore, IDisposable
{
    /// <summary>The batches' collection.</summary>
    public const string BatchesCollectionName = "batches";

    /// <summary>The scored chunks' collection.</summary>
    public const string ChunksCollectionName = "batch_chunks";

    /// <summary>The invalid rows' collection.</summary>
    public const string InvalidRowsCollectionName = "batch_invalid_rows";

    /// <summary>The index that lists a model's batches newest first.</summary>
    public const string ByModelIndexName = "batches_by_model";

    /// <summary>The index of a batch's chunks in order, which also covers the recount.</summary>
    public const string ChunksIndexName = "batch_chunks_by_batch";

    private const string Queued = "queued";
    private const string Running = "running";
    private const string SubmittedAtTicks = "submittedAt.Ticks";
    private const string ExpiresAtTicks = "expiresAt.Ticks";

    private static readonly string[] Unfinished = [Queued, Running];
    private static readonly FindOneAndUpdateOptions<BatchDocument> ReturnAfter = new() { ReturnDocument = ReturnDocument.After };

    private readonly IMongoCollection<BatchDocument> _batches;
    private readonly IMongoCollection<ChunkDocument> _chunks;
    private readonly IMongoCollection<ChunkDocument> _chunksAsWritten;
    private readonly IMongoCollection<InvalidRowDocument> _invalidRows;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (FeatureBuilder's database).</summary>
    public MongoBatchStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _batches = database.GetCollection<BatchDocument>(BatchesCollectionName);
        _chunks = database.GetCollection<ChunkDocument>(ChunksCollectionName);
        // The recount reads with local read concern: on the primary it sees every acknowledged insert at once,
        // the caller's own included (a majority read need not, on a replica set, without a causal session). A
        // chunk it counts that a failover then rolls back was not acknowledged, so it is delivered again and
        // stored again: the count it raised stays right.
        _chunksAsWritten = _chunks.WithReadConcern(ReadConcern.Local);
        _invalidRows = database.GetCollection<InvalidRowDocument>(InvalidRowsCollectionName);
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
            .Sort(Builders<BatchDocument>.Sort.Descending(SubmittedAtTicks).Descending(batch => batch.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _batches.Find(IsUnfinished)
            .Sort(Builders<BatchDocument>.Sort.Ascending(SubmittedAtTicks).Ascending(batch => batch.Id))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        // A batch not finished has expiresAt null, so no expiresAt.Ticks: a comparison with a number never matches it.
        var documents = await _batches.Find(new BsonDocument(ExpiresAtTicks, new BsonDocument("$lte", now.UtcTicks)))
            .Sort(Builders<BatchDocument>.Sort.Ascending(ExpiresAtTicks))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBatch());
    }

    /// <inheritdoc />
    public async Task<Batch?> StartAsync(Guid batchId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var filter = Builders<BatchDocument>.Filter;
        var update = Builders<BatchDocument>.Update;
        // Never started: running from now. Started before (a resumed batch): running, keeping its first start.
        var started = await _batches.FindOneAndUpdateAsync(
                filter.And(ById(batchId), IsUnfinished, filter.Eq(batch => batch.StartedAt, null)),
                update.Set(batch => batch.State, Running).Set(batch => batch.StartedAt, startedAt.ToUniversalTime()),
                ReturnAfter,
                cancellationToken)
            ?? await _batches.FindOneAndUpdateAsync(
                filter.And(ById(batchId), IsUnfinished),
                update.Set(batch => batch.State, Running),
                ReturnAfter,
                cancellationToken);
        // A finished batch is left as it is.
        return started?.ToBatch() ?? await FindAsync(batchId, cancellationToken);
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
            // Stored already (a redelivery): recounted all the same, in case the first delivery stopped before its recount.
            isNew = false;
        }

        if (!await RecountAsync(batchId, cancellationToken))
        {
            // The batch was deleted while the chunk was being stored: drop what it left behind.
            await _chunks.DeleteManyAsync(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId), cancellationToken);
            return false;
        }

        await CompleteIfDoneAsync(batchId, now, retention, cancellationToken);
        return isNew;
    }

    /// <inheritdoc />
    public async Task FailAsync(Guid batchId, string reason, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await _batches.UpdateOneAsync(
            Builders<BatchDocument>.Filter.And(ById(batchId), IsUnfinished),
            Builders<BatchDocument>.Update
                .Set(batch => batch.State, "failed")
                .Set(batch => batch.Error, reason)
                .Set(batch => batch.FinishedAt, now.ToUniversalTime())
                .Set(batch => batch.ExpiresAt, (now + retention).ToUniversalTime()),
            cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChunkResults> ReadResultsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
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
        await _indexes.EnsureAsync(cancellationToken);
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
        await _indexes.EnsureAsync(cancellationToken);
        if (await FindAsync(batchId, cancellationToken) is not { } batch)
            return null;

        // The batch document goes last: a delete interrupted half-way leaves the batch there, and the next
        // retention sweep (or the client's retry) finishes it.
        await DeleteChunksAndInvalidRowsAsync(batchId, cancellationToken);
        if ((await _batches.DeleteOneAsync(ById(batchId), cancellationToken)).DeletedCount == 0)
            return null;
        // Once more: a chunk or an invalid row stored while the batch was being deleted (its writer found the
        // batch still there). A writer that finds it gone afterwards drops its own writes.
        await DeleteChunksAndInvalidRowsAsync(batchId, cancellationToken);
        return batch;
    }

    /// <summary>Releases the index set-up; the client and its connections belong to the <see cref="MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private static FilterDefinition<BatchDocument> IsUnfinished => Builders<BatchDocument>.Filter.In(batch => batch.State, Unfinished);

    private static FilterDefinition<BatchDocument> ById(Guid batchId) => Builders<BatchDocument>.Filter.Eq(batch => batch.Id, batchId);

    private async Task<Batch?> WriteCheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, (DateTimeOffset Now, TimeSpan Retention)? finish, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        if (await FindAsync(batchId, cancellationToken) is null)
            return null;

        // The rows before the counters: a checkpoint interrupted in between is repeated by the resumed reader.
        if (checkpoint.InvalidRows.Count > 0)
        {
            // Rows stored by an earlier run of the same checkpoint are left as they are.
            var rows = checkpoint.InvalidRows.DistinctBy(row => row.RowNumber).Select(row => InvalidRowDocument.From(batchId, row)).ToList();
            await _invalidRows.InsertNewAsync(rows, cancellationToken);
        }

        var update = Builders<BatchDocument>.Update
            .Max(batch => batch.ChunksPublished, checkpoint.ChunksPublished)
            .Max(batch => batch.RowsRead, checkpoint.RowsRead)
            .Max(batch => batch.RowsInvalid, checkpoint.RowsInvalid);
        if (checkpoint.EstimatedRows is { } estimated)
            update = update.Set(batch => batch.EstimatedRows, estimated);
        if (finish is not null)
            update = update.Max(batch => batch.TotalChunks, checkpoint.ChunksPublished); // null (not read yet) is below every number
        var stored = await _batches.FindOneAndUpdateAsync(ById(batchId), update, ReturnAfter, cancellationToken);
        if (stored is null)
        {
            // Deleted meanwhile: drop the rows just stored.
            await _invalidRows.DeleteManyAsync(Builders<InvalidRowDocument>.Filter.Eq(row => row.BatchId, batchId), cancellationToken);
            return null;
        }

        if (finish is not { } done)
            return stored.ToBatch();

        // Every chunk sent counts, also one sent by an earlier run beyond this run's last (as in the embedded store).
        if (stored.TotalChunks < stored.ChunksPublished)
        {
            stored = await _batches.FindOneAndUpdateAsync(
                ById(batchId), Builders<BatchDocument>.Update.Max(batch => batch.TotalChunks, stored.ChunksPublished), ReturnAfter, cancellationToken) ?? stored;
        }

        return (await CompleteIfDoneAsync(batchId, done.Now, done.Retention, cancellationToken) ?? stored).ToBatch();
    }

    // Raises the scored counters to what batch_chunks holds (see the remarks). False when the batch is gone.
    private async Task<bool> RecountAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var totals = await _chunksAsWritten.Aggregate()
            .Match(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId))
            .Group(new BsonDocument
            {
                ["_id"] = BsonNull.Value,
                ["chunks"] = new BsonDocument("$sum", 1),
                ["rows"] = new BsonDocument("$sum", "$rowCount"),
            })
            .FirstOrDefaultAsync(cancellationToken);
        // Raised even by nothing (no chunk: the batch is being deleted), to learn whether the batch is still there.
        var counted = await _batches.UpdateOneAsync(
            ById(batchId),
            Builders<BatchDocument>.Update
                .Max(batch => batch.ChunksScored, totals?["chunks"].ToInt32() ?? 0)
                .Max(batch => batch.RowsScored, totals?["rows"].ToInt64() ?? 0L),
            cancellationToken: cancellationToken);
        return counted.MatchedCount > 0;
    }

    // Completes the batch when reading is finished and every chunk is scored; the completed batch, or null.
    private async Task<BatchDocument?> CompleteIfDoneAsync(Guid batchId, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        var filter = Builders<BatchDocument>.Filter;
        var done = filter.And(
            ById(batchId),
            IsUnfinished,
            filter.Ne(batch => batch.TotalChunks, null),
            new BsonDocument("$expr", new BsonDocument("$gte", new BsonArray { "$chunksScored", "$totalChunks" })));
        return await _batches.FindOneAndUpdateAsync(
            done,
            Builders<BatchDocument>.Update
                .Set(batch => batch.State, "completed")
                .Set(batch => batch.FinishedAt, now.ToUniversalTime())
                .Set(batch => batch.ExpiresAt, (now + retention).ToUniversalTime()),
            ReturnAfter,
            cancellationToken);
    }

    private async Task DeleteChunksAndInvalidRowsAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await _chunks.DeleteManyAsync(Builders<ChunkDocument>.Filter.Eq(chunk => chunk.BatchId, batchId), cancellationToken);
        await _invalidRows.DeleteManyAsync(Builders<InvalidRowDocument>.Filter.Eq(row => row.BatchId, batchId), cancellationToken);
    }

    // Not partial: the planner uses a partial index only for a query it can prove is covered by the index's filter.
    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var batch = Builders<BatchDocument>.IndexKeys;
        await _batches.Indexes.CreateManyAsync(
        [
            // ListAsync: a model's batches newest first, without sorting.
            new CreateIndexModel<BatchDocument>(
                batch.Ascending(b => b.ModelName).Descending(SubmittedAtTicks).Descending(b => b.Id),
                new CreateIndexOptions { Name = ByModelIndexName }),
            // ListUnfinishedAsync: one range per unfinished state, merged in submission order.
            new CreateIndexModel<BatchDocument>(
                batch.Ascending(b => b.State).Ascending(SubmittedAtTicks).Ascending(b => b.Id),
                new CreateIndexOptions { Name = "batches_by_state" }),
            // ListExpiredAsync (no TTL index: see the remarks).
            new CreateIndexModel<BatchDocument>(batch.Ascending(ExpiresAtTicks), new CreateIndexOptions { Name = "batches_by_expiry" }),
        ], cancellationToken);
        // A batch's chunks in order, and the recount (batchId, rowCount) without reading a chunk. A chunk is
        // unique by its _id ("{batch id}:{chunk index}").
        await _chunks.Indexes.CreateOneAsync(
            new CreateIndexModel<ChunkDocument>(
                Builders<ChunkDocument>.IndexKeys.Ascending(chunk => chunk.BatchId).Ascending(chunk => chunk.ChunkIndex).Ascending(chunk => chunk.RowCount),
                new CreateIndexOptions { Name = ChunksIndexName }),
            cancellationToken: cancellationToken);
        await _invalidRows.Indexes.CreateOneAsync(
            new CreateIndexModel<InvalidRowDocument>(
                Builders<InvalidRowDocument>.IndexKeys.Ascending(row => row.BatchId).Ascending(row => row.RowNumber),
                new CreateIndexOptions { Name = "batch_invalid_rows_by_batch", Unique = true }),
            cancellationToken: cancellationToken);
    }

    /// <summary>A batch as stored: the <see cref="Batch"/> fields, camel-cased; format and state as their lower-case names.</summary>
    internal sealed class BatchDocument
    {
        [BsonId]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid Id { get; init; }

        [BsonElement("modelName")]
        public required string ModelName { get; init; }

        [BsonElement("modelVersion")]
        public required string ModelVersion { get; init; }

        [BsonElement("cardJson")]
        public required string CardJson { get; init; }

        [BsonElement("format")]
        public required string Format { get; init; }

        [BsonElement("inputName")]
        public required string InputName { get; init; }

        [BsonElement("inputPath")]
        public required string InputPath { get; init; }

        [BsonElement("isUploaded")]
        public bool IsUploaded { get; init; }

        [BsonElement("state")]
        public required string State { get; init; }

        [BsonElement("submittedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset SubmittedAt { get; init; }

        [BsonElement("startedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset? StartedAt { get; init; }

        [BsonElement("finishedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset? FinishedAt { get; init; }

        [BsonElement("expiresAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset? ExpiresAt { get; init; }

        [BsonElement("rowsRead")]
        public long RowsRead { get; init; }

        [BsonElement("rowsInvalid")]
        public long RowsInvalid { get; init; }

        [BsonElement("rowsScored")]
        public long RowsScored { get; init; }

        [BsonElement("estimatedRows")]
        public long? EstimatedRows { get; init; }

        [BsonElement("chunksPublished")]
        public int ChunksPublished { get; init; }

        [BsonElement("chunksScored")]
        public int ChunksScored { get; init; }

        [BsonElement("totalChunks")]
        public int? TotalChunks { get; init; }

        [BsonElement("error")]
        public string? Error { get; init; }

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
            SubmittedAt = batch.SubmittedAt.ToUniversalTime(),
            StartedAt = batch.StartedAt?.ToUniversalTime(),
            FinishedAt = batch.FinishedAt?.ToUniversalTime(),
            ExpiresAt = batch.ExpiresAt?.ToUniversalTime(),
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
            SubmittedAt,
            StartedAt,
            FinishedAt,
            ExpiresAt,
            RowsRead,
            RowsInvalid,
            RowsScored,
            EstimatedRows,
            ChunksPublished,
            ChunksScored,
            TotalChunks,
            Error);
    }

    /// <summary>A scored chunk as stored: its results as arrays, one element per row.</summary>
    internal sealed class ChunkDocument
    {
        // "{batch id}:{chunk index}": a second copy of the chunk is refused by the server.
        [BsonId]
        public required string Id { get; init; }

        [BsonElement("batchId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid BatchId { get; init; }

        [BsonElement("chunkIndex")]
        public int ChunkIndex { get; init; }

        [BsonElement("rowCount")]
        public int RowCount { get; init; }

        [BsonElement("rowNumbers")]
        public required long[] RowNumbers { get; init; }

        [BsonElement("entityKeys")]
        public string?[]? EntityKeys { get; init; }

        [BsonElement("labels")]
        public string?[]? Labels { get; init; }

        [BsonElement("probabilities")]
        public float[]? Probabilities { get; init; }

        [BsonElement("values")]
        public float[]? Values { get; init; }

        public static ChunkDocument From(Guid batchId, ChunkResults results) => new()
        {
            Id = Key(batchId, results.ChunkIndex),
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
        [BsonId]
        public required string Id { get; init; }

        [BsonElement("batchId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid BatchId { get; init; }

        [BsonElement("rowNumber")]
        public long RowNumber { get; init; }

        [BsonElement("errors")]
        public required FieldErrorDocument[] Errors { get; init; }

        public static InvalidRowDocument From(Guid batchId, InvalidRow row) => new()
        {
            Id = Key(batchId, row.RowNumber),
            BatchId = batchId,
            RowNumber = row.RowNumber,
            Errors = [.. row.Errors.Select(error => new FieldErrorDocument { Field = error.Field, Code = error.Code, Message = error.Message })],
        };

        public InvalidRow ToInvalidRow() => new(RowNumber, [.. Errors.Select(error => new FieldError(error.Field, error.Code, error.Message))]);
    }

    /// <summary>One field error of an invalid row.</summary>
    internal sealed class FieldErrorDocument
    {
        [BsonElement("field")]
        public required string Field { get; init; }

        [BsonElement("code")]
        public required string Code { get; init; }

        [BsonElement("message")]
        public required string Message { get; init; }
    }

    // The _id of a chunk or an invalid row: the batch id (32 hex digits) and the index or row number.
    private static string Key(Guid batchId, long index) => string.Create(CultureInfo.InvariantCulture, $"{batchId:N}:{index}");
}
