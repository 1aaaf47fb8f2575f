using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace Retrainer.Rollouts;

/// <summary>
/// Rollouts in the Retrainer's MongoDB database (collection <c>rollouts</c>, majority writes from the database's
/// settings): one document per rollout, replaced whole on every change (idempotent), the rollout as JSON beside the
/// fields queried.
/// </summary>
public sealed class MongoRolloutStore : IRolloutStore, IDisposable
{
    /// <summary>The collection.</summary>
    public const string CollectionName = "rollouts";

    private readonly IMongoCollection<RolloutDocument> _rollouts;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (the Retrainer's database).</summary>
    public MongoRolloutStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _rollouts = database.GetCollection<RolloutDocument>(CollectionName);
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task SaveAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        await _indexes.EnsureAsync(cancellationToken);
        var document = new RolloutDocument
        {
            Id = rollout.RolloutId,
            ModelName = rollout.ModelName,
            Active = rollout.IsActive,
            StartedTicks = rollout.StartedAt.UtcTicks,
            Json = RolloutJson.Serialize(rollout),
        };
        await _rollouts.ReplaceOneAsync(stored => stored.Id == rollout.RolloutId, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Rollout?> FindAsync(string modelName, string rolloutId, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _rollouts.Find(stored => stored.Id == rolloutId && stored.ModelName == modelName).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : RolloutJson.Deserialize(found.Json);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _rollouts.Find(stored => stored.ModelName == modelName)
            .SortByDescending(stored => stored.StartedTicks).ThenByDescending(stored => stored.Id)
            .Limit(limit).ToListAsync(cancellationToken);
        return [.. found.Select(stored => RolloutJson.Deserialize(stored.Json))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> ActiveAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _rollouts.Find(stored => stored.Active).SortBy(stored => stored.ModelName).ToListAsync(cancellationToken);
        return [.. found.Select(stored => RolloutJson.Deserialize(stored.Json))];
    }

    /// <inheritdoc />
    public void Dispose() => _indexes.Dispose();

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        // A model's rollouts newest first; the running ones (a partial index: few of them).
        await _rollouts.Indexes.CreateOneAsync(
            new CreateIndexModel<RolloutDocument>(
                Builders<RolloutDocument>.IndexKeys.Ascending(stored => stored.ModelName).Descending(stored => stored.StartedTicks).Descending(stored => stored.Id),
                new CreateIndexOptions { Name = "rollouts_by_model" }),
            cancellationToken: cancellationToken);
        await _rollouts.Indexes.CreateOneAsync(
            new CreateIndexModel<RolloutDocument>(
                Builders<RolloutDocument>.IndexKeys.Ascending(stored => stored.Active).Ascending(stored => stored.ModelName),
                new CreateIndexOptions<RolloutDocument>
                {
                    Name = "rollouts_active",
                    PartialFilterExpression = Builders<RolloutDocument>.Filter.Eq(stored => stored.Active, true),
                }),
            cancellationToken: cancellationToken);
    }

    /// <summary>A stored rollout.</summary>
    internal sealed class RolloutDocument
    {
        [BsonId] public required string Id { get; init; }

        [BsonElement("model")] public required string ModelName { get; init; }

        [BsonElement("active")] public bool Active { get; init; }

        [BsonElement("startedTicks")] public long StartedTicks { get; init; }

        [BsonElement("rollout")] public required string Json { get; init; }
    }
}
