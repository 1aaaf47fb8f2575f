using System.Text.Json;
using Contracts.Predictions;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Predictions;

/// <summary>
/// The prediction log in MongoDB: the <c>predictions</c> collection of FeedbackCollector's database, one
/// document per prediction with the prediction id as <c>_id</c> (so a second copy of the same prediction
/// is refused by the server itself), and an index for the entity-key lookup. Indexes are created on first use.
/// </summary>
/// <remarks>
/// Writes use the database's majority write concern (<see cref="ServiceDefaults.Storage.MongoStore"/>).
/// Times are kept as <c>{ DateTime, Ticks, Offset }</c> (always UTC): <c>DateTime</c> is a BSON date for
/// people and TTL indexes, <c>Ticks</c> the exact value, which the entity-key lookup sorts on.
/// </remarks>
public sealed class MongoPredictionLog : IPredictionLog, IDisposable
{
    /// <summary>The collection's name.</summary>
    public const string CollectionName = "predictions";

    /// <summary>The entity-key lookup's index.</summary>
    public const string EntityKeyIndexName = "predictions_by_entity_key";

    private readonly IMongoCollection<PredictionDocument> _predictions;
    private readonly MongoIndexes _indexes;

    /// <summary>A log in <paramref name="database"/> (FeedbackCollector's database).</summary>
    public MongoPredictionLog(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _predictions = database.GetCollection<PredictionDocument>(CollectionName);
        _indexes = new MongoIndexes(CreateIndexesAsync);
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(PredictionMade prediction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return await AddManyAsync([prediction], cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<int> AddManyAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        // The first copy of an id wins, inside the batch as against what is stored.
        var documents = predictions.DistinctBy(prediction => prediction.PredictionId).Select(PredictionDocument.From).ToList();
        if (documents.Count == 0)
            return 0;

        await _indexes.EnsureAsync(cancellationToken);
        return await _predictions.InsertNewAsync(documents, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken)
    {
        var document = await _predictions.Find(prediction => prediction.Id == predictionId).FirstOrDefaultAsync(cancellationToken);
        return document?.ToPrediction();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(entityKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _indexes.EnsureAsync(cancellationToken);

        var documents = await _predictions
            .Find(prediction => prediction.ModelName == modelName && prediction.EntityKey == entityKey)
            .Sort(Builders<PredictionDocument>.Sort.Descending(PredictedAtTicks).Descending(prediction => prediction.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToPrediction());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionMade>> FindManyAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictionIds);
        if (predictionIds.Count == 0)
            return [];
        var documents = await _predictions.Find(Builders<PredictionDocument>.Filter.In(prediction => prediction.Id, predictionIds)).ToListAsync(cancellationToken);
        return documents.ConvertAll(document => document.ToPrediction());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionMade>> FindLatestPerVersionAsync(string modelName, string entityKey, DateTimeOffset atOrBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(entityKey);
        await _indexes.EnsureAsync(cancellationToken);

        // The entity-key index in its own order (newest first): the first prediction seen of a version is its
        // newest. Only ids and versions are read here; the winners' documents after.
        var filter = Builders<PredictionDocument>.Filter.Eq(prediction => prediction.ModelName, modelName)
                     & Builders<PredictionDocument>.Filter.Eq(prediction => prediction.EntityKey, entityKey)
                     & Builders<PredictionDocument>.Filter.Lte(PredictedAtTicks, atOrBefore.UtcTicks);
        var newest = new Dictionary<string, Guid>(StringComparer.Ordinal);
        using (var cursor = await _predictions.Find(filter)
                   .Sort(Builders<PredictionDocument>.Sort.Descending(PredictedAtTicks).Descending(prediction => prediction.Id))
                   .Project(Builders<PredictionDocument>.Projection.Include(prediction => prediction.ModelVersion))
                   .ToCursorAsync(cancellationToken))
        {
            while (await cursor.MoveNextAsync(cancellationToken))
            {
                foreach (var entry in cursor.Current)
                    newest.TryAdd(entry["modelVersion"].AsString, entry["_id"].AsGuid);
            }
        }

        return await FindManyAsync(newest.Values, cancellationToken);
    }

    /// <summary>Releases the index set-up; the client and its connections belong to the <see cref="ServiceDefaults.Storage.MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private const string PredictedAtTicks = "predictedAt.Ticks";

    // Not partial: the planner would use a partial index only for a query it can prove is covered by the
    // index's filter.
    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var byEntityKey = new CreateIndexModel<PredictionDocument>(
            Builders<PredictionDocument>.IndexKeys
                .Ascending(prediction => prediction.ModelName)
                .Ascending(prediction => prediction.EntityKey)
                .Descending(PredictedAtTicks)
                .Descending(prediction => prediction.Id),
            new CreateIndexOptions { Name = EntityKeyIndexName });
        await _predictions.Indexes.CreateOneAsync(byEntityKey, cancellationToken: cancellationToken);
    }

    /// <summary>A prediction as stored: the <see cref="PredictionMade"/> fields, camel-cased.</summary>
    internal sealed class PredictionDocument
    {
        [BsonId]
        [BsonGuidRepresentation(GuidRepresentation.Standard)]
        public Guid Id { get; init; }

        [BsonElement("modelName")]
        public required string ModelName { get; init; }

        [BsonElement("modelVersion")]
        public required string ModelVersion { get; init; }

        [BsonElement("entityKey")]
        [BsonIgnoreIfNull]
        public string? EntityKey { get; init; }

        [BsonElement("correlationId")]
        [BsonIgnoreIfNull]
        public string? CorrelationId { get; init; }

        [BsonElement("source")]
        public required string Source { get; init; }

        // The raw record as the caller sent it (JSON text): BSON would turn 3 and 3.0 into different types.
        [BsonElement("input")]
        [BsonIgnoreIfNull]
        public string? Input { get; init; }

        [BsonElement("features")]
        public required float[] Features { get; init; }

        [BsonElement("label")]
        [BsonIgnoreIfNull]
        public string? Label { get; init; }

        [BsonElement("probability")]
        [BsonIgnoreIfNull]
        public float? Probability { get; init; }

        [BsonElement("value")]
        [BsonIgnoreIfNull]
        public float? Value { get; init; }

        [BsonElement("receivedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset ReceivedAt { get; init; }

        [BsonElement("predictedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset PredictedAt { get; init; }

        [BsonElement("traceParent")]
        [BsonIgnoreIfNull]
        public string? TraceParent { get; init; }

        [BsonElement("shadow")]
        [BsonIgnoreIfDefault]
        public bool Shadow { get; init; }

        public static PredictionDocument From(PredictionMade prediction) => new()
        {
            Id = prediction.PredictionId,
            ModelName = prediction.ModelName,
            ModelVersion = prediction.ModelVersion,
            EntityKey = prediction.EntityKey,
            CorrelationId = prediction.CorrelationId,
            Source = prediction.Source,
            Input = prediction.Input is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } input ? input.GetRawText() : null,
            Features = prediction.Features ?? [],
            Label = prediction.Label,
            Probability = prediction.Probability,
            Value = prediction.Value,
            ReceivedAt = prediction.ReceivedAt.ToUniversalTime(),
            PredictedAt = prediction.PredictedAt.ToUniversalTime(),
            TraceParent = prediction.TraceParent,
            Shadow = prediction.Shadow,
        };

        public PredictionMade ToPrediction() => new(
            Id,
            ModelName,
            ModelVersion,
            EntityKey,
            CorrelationId,
            Source,
            Input is null ? null : ParseJson(Input),
            Features,
            Label,
            Probability,
            Value,
            ReceivedAt,
            PredictedAt,
            TraceParent)
        {
            Shadow = Shadow,
        };

        private static JsonElement ParseJson(string text)
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }
}
