using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace Monitor.Storage;

/// <summary>
/// Monitor's store in MongoDB: collections <c>buckets</c> (unique by model, version and start, with a TTL index
/// that expires a bucket <c>bucketRetention</c> after its end), <c>alerts</c> (<c>_id</c> = alert id) and
/// <c>rule_states</c> (unique by model, version and rule), with an index for every query (see
/// <c>docs/storage.md</c>). Aggregates and alert details are kept as the JSON text Monitor wrote, so they come
/// back byte for byte. Times are <c>{ DateTime, Ticks, Offset }</c> documents, always UTC: a BSON date for people
/// and the TTL index, ticks for exact order. Writes use the database's majority write concern (<see cref="MongoStore"/>).
/// </summary>
/// <remarks>
/// Buckets and rule states are upserted by their natural key (a replacement whose filter is the unique index's
/// fields): the server itself retries an upsert that lost an insert race on that index, and so does the store,
/// so concurrent savers never make two copies. Their <c>_id</c> is the server's ObjectId and is never read.
/// </remarks>
public sealed class MongoMonitoringStore : IMonitoringStore, IDisposable
{
    /// <summary>The buckets' collection.</summary>
    public const string BucketsCollectionName = "buckets";

    /// <summary>The alerts' collection.</summary>
    public const string AlertsCollectionName = "alerts";

    /// <summary>The rule states' collection.</summary>
    public const string RuleStatesCollectionName = "rule_states";

    /// <summary>Unique index of the buckets by version and start: the upsert's key, the range query, the versions listing.</summary>
    public const string BucketsByVersionIndexName = "buckets_by_version_and_start";

    /// <summary>TTL index on the buckets' end date.</summary>
    public const string BucketsExpiryIndexName = "buckets_expire";

    /// <summary>The alerts newest first, unfiltered or by time only.</summary>
    public const string AlertsByDetectionIndexName = "alerts_by_detection";

    /// <summary>A model's alerts newest first.</summary>
    public const string AlertsByModelIndexName = "alerts_by_model_and_time";

    /// <summary>A model version's alerts newest first.</summary>
    public const string AlertsByVersionIndexName = "alerts_by_version_and_time";

    /// <summary>The alerts of one kind newest first.</summary>
    public const string AlertsByKindIndexName = "alerts_by_kind_and_time";

    /// <summary>Unique index of the rule states by version and rule: the upsert's key and the listing's order.</summary>
    public const string RuleStatesByKeyIndexName = "rule_states_by_version_and_rule";

    private const string ModelNameField = "modelName";
    private const string ModelVersionField = "modelVersion";
    private const string StartTicks = "start.Ticks";
    private const string EndTicks = "end.Ticks";
    private const string EndDate = "end.DateTime";
    private const string DetectedTicks = "detectedAt.Ticks";
    private const string RuleField = "rule";

    // MongoDB refuses "index options conflict" (85) when an index exists with the same name and other options:
    // here, a TTL index created with another retention.
    private const int IndexOptionsConflict = 85;

    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<BucketDocument> _buckets;
    private readonly IMongoCollection<AlertDocument> _alerts;
    private readonly IMongoCollection<RuleStateDocument> _ruleStates;
    private readonly int _retentionSeconds;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (Monitor's database) whose buckets expire <paramref name="bucketRetention"/> after they end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bucketRetention"/> is not positive.</exception>
    public MongoMonitoringStore(IMongoDatabase database, TimeSpan bucketRetention)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucketRetention, TimeSpan.Zero);
        _database = database;
        _buckets = database.GetCollection<BucketDocument>(BucketsCollectionName);
        _alerts = database.GetCollection<AlertDocument>(AlertsCollectionName);
        _ruleStates = database.GetCollection<RuleStateDocument>(RuleStatesCollectionName);
        // Whole seconds, rounded up (the TTL monitor works in seconds and runs once a minute anyway), within the server's limit.
        _retentionSeconds = (int)Math.Min(int.MaxValue, Math.Ceiling(bucketRetention.TotalSeconds));
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task SaveBucketAsync(MonitoringBucket bucket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        await _indexes.EnsureAsync(cancellationToken);
        var document = BucketDocument.From(bucket);
        await UpsertAsync(_buckets, BucketKeyFilter(bucket.ModelName, bucket.ModelVersion, document.Start.UtcTicks), document, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoringBucket>> ListBucketsAsync(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(modelVersion);
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _buckets
            .Find(BucketRangeFilter(modelName, modelVersion, startsFrom, startsBefore))
            .Sort(BucketRangeSort)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToBucket());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        using var cursor = await _database.GetCollection<BsonDocument>(BucketsCollectionName)
            .AggregateAsync<BsonDocument>(VersionsPipeline(), cancellationToken: cancellationToken);
        var groups = await cursor.ToListAsync(cancellationToken);
        return [.. groups
            .Select(group => new MonitoredVersion(
                group["_id"][ModelNameField].AsString,
                group["_id"][ModelVersionField].AsString,
                new DateTimeOffset(group["first"].ToInt64(), TimeSpan.Zero),
                new DateTimeOffset(group["last"].ToInt64(), TimeSpan.Zero)))
            .OrderBy(version => version.ModelName, StringComparer.Ordinal).ThenBy(version => version.ModelVersion, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    /// <remarks>
    /// The TTL index deletes the same buckets by itself (its monitor runs once a minute), so this returns only
    /// the ones it had not deleted yet, possibly 0.
    /// </remarks>
    public async Task<long> DeleteBucketsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var result = await _buckets.DeleteManyAsync(ExpiredBucketsFilter(cutoff), cancellationToken);
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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _alerts.Find(AlertFilter(query))
            .Sort(AlertSort)
            .Limit(query.Limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToAlert());
    }

    /// <inheritdoc />
    public async Task SaveRuleStateAsync(AlertRuleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await _indexes.EnsureAsync(cancellationToken);
        await UpsertAsync(_ruleStates, RuleStateKeyFilter(state.ModelName, state.ModelVersion, state.Rule), RuleStateDocument.From(state), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRuleState>> ListRuleStatesAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _ruleStates.Find(FilterDefinition<RuleStateDocument>.Empty)
            .Sort(RuleStateSort)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToState());
    }

    /// <inheritdoc />
    public void Dispose() => _indexes.Dispose();

    /// <summary>The filter of one bucket: the unique index's fields.</summary>
    internal static BsonDocument BucketKeyFilter(string modelName, string modelVersion, long startTicks) =>
        new() { [ModelNameField] = modelName, [ModelVersionField] = modelVersion, [StartTicks] = startTicks };

    /// <summary>The filter of <see cref="ListBucketsAsync"/>.</summary>
    internal static BsonDocument BucketRangeFilter(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore) => new()
    {
        [ModelNameField] = modelName,
        [ModelVersionField] = modelVersion,
        [StartTicks] = new BsonDocument { ["$gte"] = startsFrom.UtcTicks, ["$lt"] = startsBefore.UtcTicks },
    };

    /// <summary>The order of <see cref="ListBucketsAsync"/>.</summary>
    internal static BsonDocument BucketRangeSort => new(StartTicks, 1);

    /// <summary>
    /// The pipeline of <see cref="ListVersionsAsync"/>: sorted as the unique index is, grouped on the index's own
    /// fields, so the server reads the index alone (no bucket, with its aggregate, is fetched).
    /// </summary>
    internal static BsonDocument[] VersionsPipeline() =>
    [
        new("$sort", new BsonDocument { [ModelNameField] = 1, [ModelVersionField] = 1, [StartTicks] = 1 }),
        new("$group", new BsonDocument
        {
            ["_id"] = new BsonDocument { [ModelNameField] = "$" + ModelNameField, [ModelVersionField] = "$" + ModelVersionField },
            ["first"] = new BsonDocument("$first", "$" + StartTicks),
            ["last"] = new BsonDocument("$last", "$" + StartTicks),
        }),
    ];

    /// <summary>
    /// The filter of <see cref="DeleteBucketsBeforeAsync"/>: the indexed end date bounds the scan (a BSON date
    /// has milliseconds, so it is compared with "at most the cutoff's millisecond"), the ticks make it exact.
    /// </summary>
    internal static BsonDocument ExpiredBucketsFilter(DateTimeOffset cutoff) => new()
    {
        [EndDate] = new BsonDocument("$lte", new BsonDateTime(cutoff.UtcDateTime)),
        [EndTicks] = new BsonDocument("$lt", cutoff.UtcTicks),
    };

    /// <summary>The filter of <see cref="ListAlertsAsync"/>: only the conditions the query has.</summary>
    internal static BsonDocument AlertFilter(AlertQuery query)
    {
        var filter = new BsonDocument();
        if (query.ModelName is { } model)
            filter[ModelNameField] = model;
        if (query.ModelVersion is { } version)
            filter[ModelVersionField] = version;
        if (query.Kind is { } kind)
            filter["kind"] = kind;
        if (query.Since is { } since)
            filter[DetectedTicks] = new BsonDocument("$gte", since.UtcTicks);
        return filter;
    }

    /// <summary>The order of <see cref="ListAlertsAsync"/>: newest first, equal times by descending id.</summary>
    internal static BsonDocument AlertSort => new() { [DetectedTicks] = -1, ["_id"] = -1 };

    /// <summary>The filter of one rule state: the unique index's fields.</summary>
    internal static BsonDocument RuleStateKeyFilter(string modelName, string modelVersion, string rule) =>
        new() { [ModelNameField] = modelName, [ModelVersionField] = modelVersion, [RuleField] = rule };

    /// <summary>The order of <see cref="ListRuleStatesAsync"/>, the unique index's.</summary>
    internal static BsonDocument RuleStateSort => new() { [ModelNameField] = 1, [ModelVersionField] = 1, [RuleField] = 1 };

    // An upsert that loses an insert race with another one on the same key gets a duplicate-key error when the
    // server did not retry it itself; the second attempt finds the winner's document and replaces it.
    private static async Task UpsertAsync<TDocument>(IMongoCollection<TDocument> collection, BsonDocument key, TDocument document, CancellationToken cancellationToken)
    {
        var options = new ReplaceOptions { IsUpsert = true };
        try
        {
            await collection.ReplaceOneAsync(key, document, options, cancellationToken);
        }
        catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            await collection.ReplaceOneAsync(key, document, options, cancellationToken);
        }
    }

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        await _buckets.Indexes.CreateOneAsync(
            new CreateIndexModel<BucketDocument>(
                new BsonDocument { [ModelNameField] = 1, [ModelVersionField] = 1, [StartTicks] = 1 },
                new CreateIndexOptions { Name = BucketsByVersionIndexName, Unique = true }),
            cancellationToken: cancellationToken);
        await CreateExpiryIndexAsync(cancellationToken);
        await _alerts.Indexes.CreateManyAsync(
        [
            AlertIndex(AlertsByDetectionIndexName, new BsonDocument()),
            AlertIndex(AlertsByModelIndexName, new BsonDocument(ModelNameField, 1)),
            AlertIndex(AlertsByVersionIndexName, new BsonDocument { [ModelNameField] = 1, [ModelVersionField] = 1 }),
            AlertIndex(AlertsByKindIndexName, new BsonDocument("kind", 1)),
        ], cancellationToken);
        await _ruleStates.Indexes.CreateOneAsync(
            new CreateIndexModel<RuleStateDocument>(RuleStateSort, new CreateIndexOptions { Name = RuleStatesByKeyIndexName, Unique = true }),
            cancellationToken: cancellationToken);
    }

    // Every alert index ends with the listing's order, so a filtered listing reads its index in order and stops at the limit.
    private static CreateIndexModel<AlertDocument> AlertIndex(string name, BsonDocument prefix)
    {
        var keys = new BsonDocument(prefix) { [DetectedTicks] = -1, ["_id"] = -1 };
        return new CreateIndexModel<AlertDocument>(keys, new CreateIndexOptions { Name = name });
    }

    // A retention changed since the index was created is applied with collMod: createIndexes refuses to change it.
    private async Task CreateExpiryIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _buckets.Indexes.CreateOneAsync(
                new CreateIndexModel<BucketDocument>(
                    new BsonDocument(EndDate, 1),
                    new CreateIndexOptions { Name = BucketsExpiryIndexName, ExpireAfter = TimeSpan.FromSeconds(_retentionSeconds) }),
                cancellationToken: cancellationToken);
        }
        catch (MongoCommandException exception) when (exception.Code == IndexOptionsConflict)
        {
            await _database.RunCommandAsync<BsonDocument>(
                new BsonDocument
                {
                    ["collMod"] = BucketsCollectionName,
                    ["index"] = new BsonDocument { ["keyPattern"] = new BsonDocument(EndDate, 1), ["expireAfterSeconds"] = _retentionSeconds },
                },
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>A bucket as stored.</summary>
    [BsonIgnoreExtraElements]
    internal sealed class BucketDocument
    {
        [BsonElement(ModelNameField)]
        public string ModelName { get; set; } = "";

        [BsonElement(ModelVersionField)]
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

        /// <summary>Monitor's JSON as a string, not parsed into BSON, so it comes back byte for byte.</summary>
        [BsonElement("aggregate")]
        public string Aggregate { get; set; } = "";

        public static BucketDocument From(MonitoringBucket bucket) => new()
        {
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

        [BsonElement(ModelNameField)]
        public string ModelName { get; set; } = "";

        [BsonElement(ModelVersionField)]
        public string ModelVersion { get; set; } = "";

        [BsonElement(RuleField)]
        public string Rule { get; set; } = "";

        [BsonElement("detectedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset DetectedAt { get; set; }

        [BsonElement("summary")]
        public string Summary { get; set; } = "";

        /// <summary>The event as Monitor's JSON string, so it comes back byte for byte.</summary>
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
    [BsonIgnoreExtraElements]
    internal sealed class RuleStateDocument
    {
        [BsonElement(RuleField)]
        public string Rule { get; set; } = "";

        [BsonElement("kind")]
        public string Kind { get; set; } = "";

        [BsonElement(ModelNameField)]
        public string ModelName { get; set; } = "";

        [BsonElement(ModelVersionField)]
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
            Rule = state.Rule,
            Kind = state.Kind,
            ModelName = state.ModelName,
            ModelVersion = state.ModelVersion,
            State = state.State,
            Consecutive = state.Consecutive,
            Since = state.Since?.ToUniversalTime(),
            LastFiredAt = state.LastFiredAt?.ToUniversalTime(),
            // Like the embedded store (SQLite has no NaN): a value that is not finite is kept as "none".
            LastValue = state.LastValue is { } value && double.IsFinite(value) ? value : null,
            UpdatedAt = state.UpdatedAt.ToUniversalTime(),
        };

        public AlertRuleState ToState() => new(Rule, Kind, ModelName, ModelVersion, State, Consecutive, Since, LastFiredAt, LastValue, UpdatedAt);
    }
}
