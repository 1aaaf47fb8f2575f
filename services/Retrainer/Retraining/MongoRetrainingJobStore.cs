using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace Retrainer.Retraining;

/// <summary>
/// Retraining jobs in the Retrainer's MongoDB database (collection <c>retraining_jobs</c>, majority writes from the
/// database's settings): one document per job, replaced whole on every change (idempotent), the job as JSON beside the
/// fields queried.
/// </summary>
public sealed class MongoRetrainingJobStore : IRetrainingJobStore, IDisposable
{
    /// <summary>The collection.</summary>
    public const string CollectionName = "retraining_jobs";

    private readonly IMongoCollection<JobDocument> _jobs;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (the Retrainer's database).</summary>
    public MongoRetrainingJobStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _jobs = database.GetCollection<JobDocument>(CollectionName);
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task SaveAsync(RetrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _indexes.EnsureAsync(cancellationToken);
        var document = new JobDocument
        {
            Id = job.JobId,
            ModelName = job.Model,
            Running = job.IsRunning,
            RequestedTicks = job.RequestedAt.UtcTicks,
            Json = RetrainingJson.Serialize(job),
        };
        await _jobs.ReplaceOneAsync(stored => stored.Id == job.JobId, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RetrainingJob?> FindAsync(string modelName, string jobId, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _jobs.Find(stored => stored.Id == jobId && stored.ModelName == modelName).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : RetrainingJson.Deserialize(found.Json);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RetrainingJob>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _jobs.Find(stored => stored.ModelName == modelName)
            .SortByDescending(stored => stored.RequestedTicks).ThenByDescending(stored => stored.Id)
            .Limit(limit).ToListAsync(cancellationToken);
        return [.. found.Select(stored => RetrainingJson.Deserialize(stored.Json))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RetrainingJob>> RunningAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var found = await _jobs.Find(stored => stored.Running).SortBy(stored => stored.RequestedTicks).ToListAsync(cancellationToken);
        return [.. found.Select(stored => RetrainingJson.Deserialize(stored.Json))];
    }

    /// <inheritdoc />
    public void Dispose() => _indexes.Dispose();

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        // A model's jobs newest first; the running ones (a partial index: few of them).
        await _jobs.Indexes.CreateOneAsync(
            new CreateIndexModel<JobDocument>(
                Builders<JobDocument>.IndexKeys.Ascending(stored => stored.ModelName).Descending(stored => stored.RequestedTicks).Descending(stored => stored.Id),
                new CreateIndexOptions { Name = "retraining_jobs_by_model" }),
            cancellationToken: cancellationToken);
        await _jobs.Indexes.CreateOneAsync(
            new CreateIndexModel<JobDocument>(
                Builders<JobDocument>.IndexKeys.Ascending(stored => stored.Running).Ascending(stored => stored.RequestedTicks),
                new CreateIndexOptions<JobDocument>
                {
                    Name = "retraining_jobs_running",
                    PartialFilterExpression = Builders<JobDocument>.Filter.Eq(stored => stored.Running, true),
                }),
            cancellationToken: cancellationToken);
    }

    /// <summary>A stored job.</summary>
    internal sealed class JobDocument
    {
        [BsonId] public required string Id { get; init; }

        [BsonElement("model")] public required string ModelName { get; init; }

        [BsonElement("running")] public bool Running { get; init; }

        [BsonElement("requestedTicks")] public long RequestedTicks { get; init; }

        [BsonElement("job")] public required string Json { get; init; }
    }
}
