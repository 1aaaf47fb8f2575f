using System.Globalization;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace Retrainer.Retraining;

/// <summary>
/// Labelled rows in the Retrainer's MongoDB database (collection <c>labelled_rows</c>, majority writes from the
/// database's settings): one document per model and outcome (the <c>_id</c>, so a second insert is a no-op), indexed by
/// observation time, deleted by a TTL index <c>retention</c> after they were stored.
/// </summary>
public sealed class MongoLabelledRowStore : ILabelledRowStore, IDisposable
{
    /// <summary>The collection.</summary>
    public const string CollectionName = "labelled_rows";

    private readonly IMongoCollection<RowDocument> _rows;
    private readonly MongoIndexes _indexes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;

    /// <summary>A store in <paramref name="database"/> (the Retrainer's database) keeping rows for <paramref name="retention"/>.</summary>
    public MongoLabelledRowStore(IMongoDatabase database, TimeProvider time, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(database);
        _rows = database.GetCollection<RowDocument>(CollectionName);
        _time = time;
        _retention = retention;
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task<int> AddAsync(IReadOnlyCollection<LabelledRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await _indexes.EnsureAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var documents = rows
            .DistinctBy(row => IdOf(row.ModelName, row.OutcomeId))
            .Select(row => new RowDocument
            {
                Id = IdOf(row.ModelName, row.OutcomeId),
                ModelName = row.ModelName,
                OutcomeId = row.OutcomeId.ToString("D"),
                ModelVersion = row.ModelVersion,
                ObservedTicks = row.ObservedAt.UtcTicks,
                StoredAt = now.UtcDateTime,
                ExpiresAt = (now + _retention).UtcDateTime,
                Input = row.Input,
                ActualValue = row.ActualValue,
                ActualLabel = row.ActualLabel,
            })
            .ToList();
        return await _rows.InsertNewAsync(documents, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NewestObservedAtAsync(string modelName, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var newest = await _rows.Find(row => row.ModelName == modelName)
            .SortByDescending(row => row.ObservedTicks).ThenByDescending(row => row.OutcomeId)
            .Limit(1).FirstOrDefaultAsync(cancellationToken);
        return newest is null ? null : new DateTimeOffset(newest.ObservedTicks, TimeSpan.Zero);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LabelledRow>> NewestAsync(
        string modelName, DateTimeOffset? from, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);
        var fromTicks = from?.UtcTicks ?? long.MinValue;
        var beforeTicks = before.UtcTicks;
        var found = await _rows.Find(row => row.ModelName == modelName && row.ObservedTicks >= fromTicks && row.ObservedTicks < beforeTicks)
            .SortByDescending(row => row.ObservedTicks).ThenByDescending(row => row.OutcomeId)
            .Limit(limit).ToListAsync(cancellationToken);
        return [.. found.Select(row => new LabelledRow(
            row.ModelName,
            Guid.Parse(row.OutcomeId, CultureInfo.InvariantCulture),
            row.ModelVersion,
            new DateTimeOffset(row.ObservedTicks, TimeSpan.Zero),
            row.Input,
            row.ActualValue,
            row.ActualLabel))];
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string modelName, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        return await _rows.CountDocumentsAsync(row => row.ModelName == modelName, cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> TrimAsync(string modelName, int keep, DateTimeOffset storedBefore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        await _indexes.EnsureAsync(cancellationToken);
        var storedLimit = storedBefore.UtcDateTime;
        var deleted = (await _rows.DeleteManyAsync(row => row.ModelName == modelName && row.StoredAt < storedLimit, cancellationToken)).DeletedCount;
        // The first row beyond the newest `keep`: it and everything older (in the same order) goes.
        var boundary = await _rows.Find(row => row.ModelName == modelName)
            .SortByDescending(row => row.ObservedTicks).ThenByDescending(row => row.OutcomeId)
            .Skip(keep).Limit(1).FirstOrDefaultAsync(cancellationToken);
        if (boundary is null)
            return deleted;
        var filter = Builders<RowDocument>.Filter;
        var older = filter.Eq(row => row.ModelName, modelName) & (filter.Lt(row => row.ObservedTicks, boundary.ObservedTicks)
            | (filter.Eq(row => row.ObservedTicks, boundary.ObservedTicks) & filter.Lte(row => row.OutcomeId, boundary.OutcomeId)));
        return deleted + (await _rows.DeleteManyAsync(older, cancellationToken)).DeletedCount;
    }

    /// <inheritdoc />
    public void Dispose() => _indexes.Dispose();

    private static string IdOf(string modelName, Guid outcomeId) => $"{modelName}/{outcomeId:D}";

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<RowDocument>.IndexKeys;
        await _rows.Indexes.CreateManyAsync(
            [
                // The window queries, the newest observation and the trim, all newest first.
                new CreateIndexModel<RowDocument>(
                    keys.Ascending(row => row.ModelName).Descending(row => row.ObservedTicks).Descending(row => row.OutcomeId),
                    new CreateIndexOptions { Name = "labelled_rows_by_time" }),
                new CreateIndexModel<RowDocument>(
                    keys.Ascending(row => row.ModelName).Ascending(row => row.StoredAt),
                    new CreateIndexOptions { Name = "labelled_rows_by_stored" }),
                // Each row carries its own expiry, so a changed retention needs no index change.
                new CreateIndexModel<RowDocument>(
                    keys.Ascending(row => row.ExpiresAt),
                    new CreateIndexOptions { Name = "labelled_rows_ttl", ExpireAfter = TimeSpan.Zero }),
            ],
            cancellationToken);
    }

    /// <summary>A stored row.</summary>
    internal sealed class RowDocument
    {
        [BsonId] public required string Id { get; init; }

        [BsonElement("model")] public required string ModelName { get; init; }

        [BsonElement("outcomeId")] public required string OutcomeId { get; init; }

        [BsonElement("version")] public required string ModelVersion { get; init; }

        [BsonElement("observedTicks")] public long ObservedTicks { get; init; }

        [BsonElement("storedAt")] public DateTime StoredAt { get; init; }

        [BsonElement("expiresAt")] public DateTime ExpiresAt { get; init; }

        [BsonElement("input")] public required string Input { get; init; }

        [BsonElement("actualValue")] public double? ActualValue { get; init; }

        [BsonElement("actualLabel")] public string? ActualLabel { get; init; }
    }
}
