using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// The outcomes in MongoDB: the <c>outcomes</c> collection of FeedbackCollector's database, one document per
/// outcome with the outcome id as <c>_id</c> (so the server itself refuses a second copy). Indexes are
/// created on first use: partial ones (only pending outcomes) for the lookups by prediction id, by model and
/// entity key and by age, a partial one of joined outcomes not yet published, and one for the counts.
/// </summary>
/// <remarks>
/// Writes use the database's majority write concern (<see cref="MongoStore"/>). Times are kept as
/// <c>{ DateTime, Ticks, Offset }</c> (always UTC), like the prediction log: <c>Ticks</c> is what queries compare.
/// A pending outcome becomes joined or orphaned by a conditional update on <c>state: "pending"</c>, so two
/// replicas racing to join the same outcome mark it once.
/// </remarks>
public sealed class MongoOutcomeStore : IOutcomeStore, IDisposable
{
    /// <summary>The collection's name.</summary>
    public const string CollectionName = "outcomes";

    /// <summary>The index of pending outcomes by prediction id.</summary>
    public const string PendingByPredictionIndexName = "outcomes_pending_by_prediction";

    /// <summary>The index of pending outcomes by model and entity key.</summary>
    public const string PendingByEntityKeyIndexName = "outcomes_pending_by_entity_key";

    /// <summary>The index of pending outcomes by the time they were received (the orphan sweep).</summary>
    public const string PendingByReceivedAtIndexName = "outcomes_pending_by_received_at";

    /// <summary>The index of joined outcomes not yet published, by the time they were joined (the outbox sweep).</summary>
    public const string UnpublishedByJoinedAtIndexName = "outcomes_unpublished_by_joined_at";

    /// <summary>The index the counts read.</summary>
    public const string ByModelAndStateIndexName = "outcomes_by_model_and_state";

    private const string Pending = "pending";
    private const string Joined = "joined";
    private const string ReceivedAtTicks = "receivedAt.Ticks";
    private const string JoinedAtTicks = "joinedAt.Ticks";

    private readonly IMongoCollection<OutcomeDocument> _outcomes;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (FeedbackCollector's database).</summary>
    public MongoOutcomeStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _outcomes = database.GetCollection<OutcomeDocument>(CollectionName);
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    private static FilterDefinitionBuilder<OutcomeDocument> Filter => Builders<OutcomeDocument>.Filter;

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutcomeAdmission>> AddManyAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
            return [];
        await _indexes.EnsureAsync(cancellationToken);

        // The first copy of an id inside the batch is the one inserted; the server refuses ids it already has.
        var firstOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<int>();
        for (var index = 0; index < outcomes.Count; index++)
        {
            if (firstOfId.TryAdd(outcomes[index].OutcomeId, index))
                candidates.Add(index);
        }

        var inserted = new HashSet<int>(candidates);
        try
        {
            await _outcomes.InsertManyAsync(
                candidates.Select(index => OutcomeDocument.From(outcomes[index])),
                new InsertManyOptions { IsOrdered = false },
                cancellationToken);
        }
        catch (MongoBulkWriteException<OutcomeDocument> exception)
            when (exception.WriteConcernError is null && exception.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
        {
            // An error's index is the document's position in the insert, i.e. in candidates.
            foreach (var error in exception.WriteErrors)
                inserted.Remove(candidates[error.Index]);
        }

        var duplicates = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < outcomes.Count; index++)
        {
            if (!inserted.Contains(index))
                duplicates[outcomes[index].OutcomeId] = duplicates.GetValueOrDefault(outcomes[index].OutcomeId) + 1;
        }

        var stored = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        if (duplicates.Count > 0)
        {
            await _outcomes.BulkWriteAsync(
                duplicates.Select(duplicate => new UpdateOneModel<OutcomeDocument>(
                    Filter.Eq(document => document.Id, duplicate.Key),
                    Builders<OutcomeDocument>.Update.Inc(document => document.Duplicates, duplicate.Value))),
                new BulkWriteOptions { IsOrdered = false },
                cancellationToken);
            var documents = await _outcomes.Find(Filter.In(document => document.Id, duplicates.Keys)).ToListAsync(cancellationToken);
            foreach (var document in documents)
                stored[document.Id] = document.ToOutcome();
        }

        var admissions = new List<OutcomeAdmission>(outcomes.Count);
        for (var index = 0; index < outcomes.Count; index++)
        {
            admissions.Add(inserted.Contains(index)
                ? new OutcomeAdmission(outcomes[index], IsNew: true)
                : new OutcomeAdmission(stored[outcomes[index].OutcomeId], IsNew: false));
        }

        return admissions;
    }

    /// <inheritdoc />
    public async Task<Outcome?> FindAsync(string outcomeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomeId);
        var document = await _outcomes.Find(Filter.Eq(outcome => outcome.Id, outcomeId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToOutcome();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> FindPendingByPredictionIdsAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictionIds);
        if (predictionIds.Count == 0)
            return [];
        await _indexes.EnsureAsync(cancellationToken);

        // The state term matches the partial index's filter, so the planner may use it.
        var documents = await _outcomes
            .Find(Filter.Eq(outcome => outcome.State, Pending) & Filter.In(outcome => outcome.PredictionId, predictionIds.Select(id => (Guid?)id)))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToOutcome());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> FindPendingByEntityKeysAsync(IReadOnlyCollection<EntityRef> entities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        if (entities.Count == 0)
            return [];
        await _indexes.EnsureAsync(cancellationToken);

        var found = new List<Outcome>();
        foreach (var model in entities.GroupBy(entity => entity.ModelName, StringComparer.Ordinal))
        {
            var documents = await _outcomes
                .Find(Filter.Eq(outcome => outcome.State, Pending)
                      & Filter.Eq(outcome => outcome.ModelName, model.Key)
                      & Filter.In(outcome => outcome.EntityKey, model.Select(entity => entity.EntityKey).Distinct(StringComparer.Ordinal))
                      & Filter.Eq(outcome => outcome.PredictionId, null))
                .ToListAsync(cancellationToken);
            found.AddRange(documents.Select(document => document.ToOutcome()));
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> MarkJoinedAsync(IReadOnlyCollection<JoinedOutcome> joined, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(joined);
        if (joined.Count == 0)
            return [];

        // One conditional update each, not a bulk write: the caller must know which ones it marked (it publishes
        // those), and a bulk write's result only counts them.
        var marked = new List<string>(joined.Count);
        foreach (var outcome in joined)
        {
            var result = await _outcomes.UpdateOneAsync(
                Filter.Eq(document => document.Id, outcome.OutcomeId) & Filter.Eq(document => document.State, Pending),
                Builders<OutcomeDocument>.Update
                    .Set(document => document.State, Joined)
                    .Set(document => document.ModelName, outcome.ModelName)
                    .Set(document => document.Joins, outcome.Joins.Select(JoinDocument.From).ToList())
                    .Set(document => document.JoinedAt, outcome.JoinedAt.ToUniversalTime())
                    .Set(document => document.Published, false),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
                marked.Add(outcome.OutcomeId);
        }

        return marked;
    }

    /// <inheritdoc />
    public async Task MarkPublishedAsync(IReadOnlyCollection<string> outcomeIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomeIds);
        if (outcomeIds.Count == 0)
            return;
        await _outcomes.UpdateManyAsync(
            Filter.In(document => document.Id, outcomeIds) & Filter.Eq(document => document.State, Joined),
            Builders<OutcomeDocument>.Update.Set(document => document.Published, true),
            cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> FindUnpublishedAsync(DateTimeOffset joinedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _outcomes
            .Find(Filter.Eq(document => document.State, Joined) & Filter.Eq(document => document.Published, false) & Filter.Lt(JoinedAtTicks, joinedBefore.UtcTicks))
            .Sort(Builders<OutcomeDocument>.Sort.Ascending(JoinedAtTicks))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToOutcome());
    }

    /// <inheritdoc />
    public async Task<int> OrphanPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var result = await _outcomes.UpdateManyAsync(
            Filter.Eq(outcome => outcome.State, Pending) & Filter.Lt(ReceivedAtTicks, receivedBefore.UtcTicks),
            Builders<OutcomeDocument>.Update.Set(outcome => outcome.State, "orphaned"),
            cancellationToken: cancellationToken);
        return (int)result.ModifiedCount;
    }

    /// <inheritdoc />
    public async Task<OutcomeCounts> CountAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        // Sorting on the index's keys first lets the server read the index instead of every document.
        PipelineDefinition<OutcomeDocument, BsonDocument> pipeline = new[]
        {
            new BsonDocument("$sort", new BsonDocument { ["modelName"] = 1, ["state"] = 1, ["duplicates"] = 1 }),
            new BsonDocument("$group", new BsonDocument
            {
                ["_id"] = new BsonDocument { ["model"] = "$modelName", ["state"] = "$state" },
                ["count"] = new BsonDocument("$sum", 1),
                ["duplicates"] = new BsonDocument("$sum", "$duplicates"),
            }),
        };
        var groups = await (await _outcomes.AggregateAsync(pipeline, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);

        var total = OutcomeTally.Zero;
        var models = new Dictionary<string, OutcomeTally>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var key = group["_id"].AsBsonDocument;
            var tally = SqliteOutcomeStore.Tally(
                SqliteOutcomeStore.ParseState(key["state"].AsString), group["count"].ToInt64(), group["duplicates"].ToInt64());
            total = total.Plus(tally);
            if (key.TryGetValue("model", out var model) && model.IsString)
                models[model.AsString] = models.GetValueOrDefault(model.AsString, OutcomeTally.Zero).Plus(tally);
        }

        return new OutcomeCounts(total, models);
    }

    /// <summary>Releases the index set-up; the client and its connections belong to the <see cref="MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<OutcomeDocument>.IndexKeys;
        var pending = Filter.Eq(outcome => outcome.State, Pending);
        await _outcomes.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<OutcomeDocument>(
                    keys.Ascending(outcome => outcome.PredictionId),
                    new CreateIndexOptions<OutcomeDocument> { Name = PendingByPredictionIndexName, PartialFilterExpression = pending }),
                new CreateIndexModel<OutcomeDocument>(
                    keys.Ascending(outcome => outcome.ModelName).Ascending(outcome => outcome.EntityKey),
                    new CreateIndexOptions<OutcomeDocument> { Name = PendingByEntityKeyIndexName, PartialFilterExpression = pending }),
                new CreateIndexModel<OutcomeDocument>(
                    keys.Ascending(ReceivedAtTicks),
                    new CreateIndexOptions<OutcomeDocument> { Name = PendingByReceivedAtIndexName, PartialFilterExpression = pending }),
                new CreateIndexModel<OutcomeDocument>(
                    keys.Ascending(JoinedAtTicks),
                    new CreateIndexOptions<OutcomeDocument>
                    {
                        Name = UnpublishedByJoinedAtIndexName,
                        PartialFilterExpression = Filter.Eq(outcome => outcome.State, Joined) & Filter.Eq(outcome => outcome.Published, false),
                    }),
                new CreateIndexModel<OutcomeDocument>(
                    keys.Ascending(outcome => outcome.ModelName).Ascending(outcome => outcome.State).Ascending(outcome => outcome.Duplicates),
                    new CreateIndexOptions { Name = ByModelAndStateIndexName }),
            ],
            cancellationToken);
    }

    /// <summary>An outcome as stored, camel-cased.</summary>
    internal sealed class OutcomeDocument
    {
        [BsonId]
        public required string Id { get; init; }

        // Stored as null rather than left out when absent: the entity-key lookup asks for "predictionId: null".
        [BsonElement("predictionId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid? PredictionId { get; init; }

        [BsonElement("modelName")]
        [BsonIgnoreIfNull]
        public string? ModelName { get; init; }

        [BsonElement("entityKey")]
        [BsonIgnoreIfNull]
        public string? EntityKey { get; init; }

        [BsonElement("observedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset ObservedAt { get; init; }

        [BsonElement("value")]
        [BsonIgnoreIfNull]
        public double? Value { get; init; }

        [BsonElement("label")]
        [BsonIgnoreIfNull]
        public string? Label { get; init; }

        [BsonElement("receivedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset ReceivedAt { get; init; }

        [BsonElement("state")]
        public required string State { get; init; }

        [BsonElement("joins")]
        public List<JoinDocument> Joins { get; init; } = [];

        [BsonElement("joinedAt")]
        [BsonIgnoreIfNull]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset? JoinedAt { get; init; }

        [BsonElement("duplicates")]
        public long Duplicates { get; init; }

        [BsonElement("published")]
        public bool Published { get; init; }

        public static OutcomeDocument From(Outcome outcome) => new()
        {
            Id = outcome.OutcomeId,
            PredictionId = outcome.PredictionId,
            ModelName = outcome.ModelName,
            EntityKey = outcome.EntityKey,
            ObservedAt = outcome.ObservedAt.ToUniversalTime(),
            Value = outcome.Value,
            Label = outcome.Label,
            ReceivedAt = outcome.ReceivedAt.ToUniversalTime(),
            State = SqliteOutcomeStore.StateName(outcome.State),
            Joins = outcome.Joins.Select(JoinDocument.From).ToList(),
            JoinedAt = outcome.JoinedAt?.ToUniversalTime(),
            Duplicates = outcome.Duplicates,
            Published = outcome.Published,
        };

        public Outcome ToOutcome() => new(
            Id,
            PredictionId,
            ModelName,
            EntityKey,
            ObservedAt,
            Value,
            Label,
            ReceivedAt,
            SqliteOutcomeStore.ParseState(State),
            Joins.ConvertAll(join => new OutcomeJoin(join.PredictionId, join.ModelVersion)),
            JoinedAt,
            Duplicates,
            Published);
    }

    /// <summary>One prediction an outcome was joined to, as stored.</summary>
    internal sealed class JoinDocument
    {
        [BsonElement("predictionId")]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid PredictionId { get; init; }

        [BsonElement("modelVersion")]
        public required string ModelVersion { get; init; }

        public static JoinDocument From(OutcomeJoin join) => new() { PredictionId = join.PredictionId, ModelVersion = join.ModelVersion };
    }
}
