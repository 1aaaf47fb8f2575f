using Contracts.Predictions;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Predictions;

/// <summary>The prediction log FeedbackCollector joins ground truth to: each <see cref="PredictionMade"/> once, as first received.</summary>
public sealed class PredictionStore([FromKeyedServices(FeedbackCollectorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<PredictionMade> _predictions = database.Collection(new DocumentSchema<PredictionMade>
    {
        Name = "predictions",
        Key = prediction => Key(prediction.PredictionId),
        Fields = [new("model", prediction => prediction.ModelName),
            new("entity", prediction => prediction.EntityKey), new("predicted", prediction => prediction.PredictedAt)],
        Indexes = [["model", "entity", "predicted"]],
    });

    /// <summary>Stores the predictions whose ids are not logged yet in one write (the first copy of an id wins); returns how many were new.</summary>
    public async Task<int> AddManyAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return (await _predictions.InsertManyAsync([.. predictions.DistinctBy(prediction => prediction.PredictionId)], cancellationToken)).Count(isNew => isNew);
    }

    /// <summary>The prediction with this id, or null.</summary>
    public async Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken) =>
        (await _predictions.GetAsync(Key(predictionId), cancellationToken))?.Document;

    /// <summary>The logged predictions among <paramref name="predictionIds"/> (unknown ids are left out), in no particular order.</summary>
    public Task<IReadOnlyList<PredictionMade>> FindManyAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken) =>
        _predictions.ListAsync(DocumentQuery.Where(DocumentQuery.KeyField, Comparison.In, predictionIds.Select(Key).ToList()), cancellationToken);

    /// <summary>The predictions of <paramref name="modelName"/> (every version, shadow ones too) for one entity key, newest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken) =>
        _predictions.ListAsync(OfEntity(modelName, entityKey).OrderByDescending("predicted").Take(limit), cancellationToken);

    /// <summary>
    /// For each version of <paramref name="modelName"/> that predicted <paramref name="entityKey"/> at or before <paramref name="atOrBefore"/>, its newest
    /// such prediction (ties: the larger id), in no particular order. Reads all the entity's predictions to then: fine for keys of one thing each (a flight).
    /// </summary>
    public async Task<IReadOnlyList<PredictionMade>> FindLatestPerVersionAsync(string modelName, string entityKey, DateTimeOffset atOrBefore, CancellationToken cancellationToken) =>
        [.. (await _predictions.ListAsync(OfEntity(modelName, entityKey).And("predicted", Comparison.LessOrEqual, atOrBefore).OrderByDescending("predicted"), cancellationToken))
            .DistinctBy(prediction => prediction.ModelVersion, StringComparer.Ordinal)];

    private static DocumentQuery OfEntity(string modelName, string entityKey)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(entityKey);
        return DocumentQuery.Where("model", modelName).And("entity", entityKey);
    }

    // Lower-case canonical form: UUID v7 ids sort by time as text, and descending key order breaks ties of time.
    private static string Key(Guid predictionId) => predictionId.ToString("D");
}
