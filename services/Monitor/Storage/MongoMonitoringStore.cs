using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace Monitor.Storage;

/// <summary>
/// Monitor's store in MongoDB: collections <c>buckets</c> (<c>_id</c> = model, version and start, with a TTL
/// index that expires a bucket <c>bucketRetention</c> after its end), <c>alerts</c> (<c>_id</c> = alert id) and
/// <c>rule_states</c> (<c>_id</c> = rule, model and version). Aggregates and alert details are kept as the JSON
/// text Monitor wrote, so they come back byte for byte. Times are <c>{ DateTime, Ticks, Offset }</c> documents:
/// a BSON date for people and the TTL index, ticks for exact order. Writes use the database's majority write concern.
/// </summary>
public sealed class MongoMonitoringStore : IMonitoringStore, IDisposable
{
    private const string EndDate = "end.DateTime";
    private const string StartTicks = "start.Ticks";
    private const string DetectedTicks = "detectedAt.Ticks";

    private readonly IMongoCollection<BucketDocument> _buckets;
    private readonly IMongoCollection<AlertDocument> _alerts;
    private readonly IMongoCollection<RuleStateDocument> _ruleStates;
    private readonly TimeSpan _bucketRetention;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (Monitor's database) whose buckets expire <paramref name="bucketRetention"/> after they end.</summary>
    public MongoMonitoringStore(IMongoDatabase database, TimeSpan bucketRetention)
    {
        ArgumentNullException.ThrowIfNull(database);
        _buckets = database.GetCollection<BucketDocument>("buckets");
        _alerts = database.GetCollection<AlertDocument>("alerts");
        _ruleStates = database.GetCollection<RuleStateDocument>("rule_states");
        _bucketRetention = bucketRetention;
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task SaveBucketAsync(MonitoringBucket bucket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        await _indexes.EnsureAsync(cancellationToken);
        var document = BucketDocument.From(bucket);
        await _buckets.ReplaceOneAsync(existing => existing.Id == document.Id, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoringBucket>> ListBucketsAsync(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var filter = Builders<BucketDocument>.Filter;
        var documents = await _buckets
            .Find(filter.Eq(bucket => bucket.ModelName, modelName) & filter.Eq(bucket => bucket.ModelVersion, modelVersion)
                & filter.Gte(StartTicks, startsFrom.UtcTicks) & filter.Lt(StartTicks, startsBefore.UtcTicks))
            .Sort(Builders<BucketDocument>.Sort.Ascending(StartTicks))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBucket());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var groups = await _buckets.Aggregate()
            .Group(
                bucket => new { bucket.ModelName, bucket.ModelVersion },
                group => new { group.Key.ModelName, group.Key.ModelVersion, First = group.Min(bucket => bucket.Start), Last = group.Max(bucket => bucket.Start) })
            .ToListAsync(cancellationToken);
        return [.. groups
            .Select(group => new MonitoredVersion(group.ModelName, group.ModelVersion, group.First, group.Last))
            .OrderBy(version => version.ModelName, StringComparer.Ordinal).ThenBy(version => version.ModelVersion, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<long> DeleteBucketsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var result = await _buckets.DeleteManyAsync(Builders<BucketDocument>.Filter.Lt("end.Ticks", cutoff.UtcTicks), cancellationToken);
        return result.DeletedCount;
    }

    /// <inheritdoc />
    public async Task<bool> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await _indexes.EnsureAsync(cancellationToken);
        return await _alerts.InsertNewAsync([AlertDocument.From(alert)], cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _indexes.EnsureAsync(cancellationToken);
        var filter = Builders<AlertDocument>.Filter;
        var conditions = filter.Empty;
        if (query.ModelName is { } model)
            conditions &= filter.Eq(alert => alert.ModelName, model);
        if (query.ModelVersion is { } version)
            conditions &= filter.Eq(alert => alert.ModelVersion, version);
        if (query.Kind is { } kind)
            conditions &= filter.Eq(alert => alert.Kind, kind);
        if (query.Since is { } since)
            conditions &= filter.Gte(DetectedTicks, since.UtcTicks);
        var documents = await _alerts.Find(conditions)
            .Sort(Builders<AlertDocument>.Sort.Descending(DetectedTicks).Descending(alert => alert.Id))
            .Limit(query.Limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToAlert());
    }

    /// <inheritdoc />
    public async Task SaveRuleStateAsync(AlertRuleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var document = RuleStateDocument.From(state);
        await _ruleStates.ReplaceOneAsync(existing => existing.Id == document.Id, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRuleState>> ListRuleStatesAsync(CancellationToken cancellationToken)
    {
        var documents = await _ruleStates.Find(Builders<RuleStateDocument>.Filter.Empty).ToListAsync(cancellationToken);
        return [.. documents.Select(document => document.ToState())
            .OrderBy(state => state.ModelName, StringComparer.Ordinal).ThenBy(state => state.ModelVersion, StringComparer.Ordinal).ThenBy(state => state.Rule, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public void Dispose() => _indexes.Dispose();

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        await _buckets.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BucketDocument>(
                Builders<BucketDocument>.IndexKeys.Ascending(bucket => bucket.ModelName).Ascending(bucket => bucket.ModelVersion).Ascending(StartTicks),
                new CreateIndexOptions { Name = "buckets_by_version_and_start" }),
            new CreateIndexModel<BucketDocument>(
                Builders<BucketDocument>.IndexKeys.Ascending(EndDate),
                new CreateIndexOptions { Name = "buckets_expire", ExpireAfter = _bucketRetention }),
        ], cancellationToken);
        await _alerts.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<AlertDocument>(
                Builders<AlertDocument>.IndexKeys.Descending(DetectedTicks), new CreateIndexOptions { Name = "alerts_by_time" }),
            new CreateIndexModel<AlertDocument>(
                Builders<AlertDocument>.IndexKeys.Ascending(alert => alert.ModelName).Ascending(alert => alert.ModelVersion).Descending(DetectedTicks),
                new CreateIndexOptions { Name = "alerts_by_model" }),
        ], cancellationToken);
    }

    /// <summary>A bucket as stored.</summary>
    internal sealed class BucketDocument
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("modelName")]
        public string ModelName { get; set; } = "";

        [BsonElement("modelVersion")]
        public string ModelVersion { get; set; } = "";

        [BsonElement("start")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset Start { get; set; }

        [BsonElement("end")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset End { get; set; }

        [BsonElement("predictions")]
        public long Predictions { get; set; }

        [BsonElement("outcomes")]
        public long Outcomes { get; set; }

        [BsonElement("aggregate")]
        public string Aggregate { get; set; } = "";

        public static BucketDocument From(MonitoringBucket bucket) => new()
        {
            Id = $"{bucket.ModelName}/{bucket.ModelVersion}/{bucket.Start.UtcTicks}",
            ModelName = bucket.ModelName,
            ModelVersion = bucket.ModelVersion,
            Start = bucket.Start.ToUniversalTime(),
            End = bucket.End.ToUniversalTime(),
            Predictions = bucket.Predictions,
            Outcomes = bucket.Outcomes,
            Aggregate = bucket.AggregateJson,
        };

        public MonitoringBucket ToBucket() => new(ModelName, ModelVersion, Start, End, Predictions, Outcomes, Aggregate);
    }

    /// <summary>An alert as stored.</summary>
    internal sealed class AlertDocument
    {
        [BsonId]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid Id { get; set; }

        [BsonElement("kind")]
        public string Kind { get; set; } = "";

        [BsonElement("modelName")]
        public string ModelName { get; set; } = "";

        [BsonElement("modelVersion")]
        public string ModelVersion { get; set; } = "";

        [BsonElement("rule")]
        public string Rule { get; set; } = "";

        [BsonElement("detectedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset DetectedAt { get; set; }

        [BsonElement("summary")]
        public string Summary { get; set; } = "";

        [BsonElement("details")]
        public string Details { get; set; } = "";

        public static AlertDocument From(AlertRecord alert) => new()
        {
            Id = alert.AlertId,
            Kind = alert.Kind,
            ModelName = alert.ModelName,
            ModelVersion = alert.ModelVersion,
            Rule = alert.Rule,
            DetectedAt = alert.DetectedAt.ToUniversalTime(),
            Summary = alert.Summary,
            Details = alert.DetailsJson,
        };

        public AlertRecord ToAlert() => new(Id, Kind, ModelName, ModelVersion, Rule, DetectedAt, Summary, Details);
    }

    /// <summary>A rule state as stored.</summary>
    internal sealed class RuleStateDocument
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("rule")]
        public string Rule { get; set; } = "";

        [BsonElement("kind")]
        public string Kind { get; set; } = "";

        [BsonElement("modelName")]
        public string ModelName { get; set; } = "";

        [BsonElement("modelVersion")]
        public string ModelVersion { get; set; } = "";

        [BsonElement("state")]
        public string State { get; set; } = "";

        [BsonElement("consecutive")]
        public int Consecutive { get; set; }

        [BsonElement("since")]
        [BsonRepresentation(BsonType.Document)]
        [BsonIgnoreIfNull]
        public DateTimeOffset? Since { get; set; }

        [BsonElement("lastFiredAt")]
        [BsonRepresentation(BsonType.Document)]
        [BsonIgnoreIfNull]
        public DateTimeOffset? LastFiredAt { get; set; }

        [BsonElement("lastValue")]
        [BsonIgnoreIfNull]
        public double? LastValue { get; set; }

        [BsonElement("updatedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset UpdatedAt { get; set; }

        public static RuleStateDocument From(AlertRuleState state) => new()
        {
            Id = $"{state.Rule}/{state.ModelName}/{state.ModelVersion}",
            Rule = state.Rule,
            Kind = state.Kind,
            ModelName = state.ModelName,
            ModelVersion = state.ModelVersion,
            State = state.State,
            Consecutive = state.Consecutive,
            Since = state.Since?.ToUniversalTime(),
            LastFiredAt = state.LastFiredAt?.ToUniversalTime(),
            LastValue = state.LastValue,
            UpdatedAt = state.UpdatedAt.ToUniversalTime(),
        };

        public AlertRuleState ToState() => new(Rule, Kind, ModelName, ModelVersion, State, Consecutive, Since, LastFiredAt, LastValue, UpdatedAt);
    }
}
