using Contracts.Predictions;

namespace FeedbackCollector.Predictions;

/// <summary>
/// Every prediction the platform made, as FeedbackCollector keeps it to join ground truth to it later (by
/// prediction id, or by the caller's entity key). Adding is idempotent by prediction id: a
/// <see cref="PredictionMade"/> delivered twice is stored once, and the first copy stays as it was.
/// </summary>
/// <remarks>
/// The embedded store implements it with SQLite (<see cref="SqlitePredictionLog"/>); a MongoDB implementation
/// must pass the same contract tests (<c>FeedbackCollector.Tests/Predictions/PredictionLogContract</c>).
/// </remarks>
public interface IPredictionLog
{
    /// <summary>Stores <paramref name="prediction"/> unless its id is already logged.</summary>
    /// <returns><see langword="true"/> when it was new; <see langword="false"/> when its id was already logged.</returns>
    Task<bool> AddAsync(PredictionMade prediction, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the predictions whose ids are not logged yet, all at once (one transaction or one bulk write);
    /// duplicates inside <paramref name="predictions"/> are stored once.
    /// </summary>
    /// <returns>How many were new.</returns>
    Task<int> AddManyAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken);

    /// <summary>The prediction with this id, or <see langword="null"/> when none is logged.</summary>
    Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken);

    /// <summary>
    /// The predictions of <paramref name="modelName"/> (every version, shadow ones too) for one entity key,
    /// newest <see cref="PredictionMade.PredictedAt"/> first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken);

    /// <summary>The logged predictions among <paramref name="predictionIds"/> (unknown ids are left out), in no particular order.</summary>
    Task<IReadOnlyList<PredictionMade>> FindManyAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken);

    /// <summary>
    /// For each version of <paramref name="modelName"/> that predicted <paramref name="entityKey"/> at or before
    /// <paramref name="atOrBefore"/>, its newest such prediction (ties broken by the larger prediction id): what
    /// an outcome observed at that time is joined to. In no particular order.
    /// </summary>
    /// <remarks>Reads every prediction of the entity up to that time: fine for keys of one thing each (a flight, an order).</remarks>
    Task<IReadOnlyList<PredictionMade>> FindLatestPerVersionAsync(string modelName, string entityKey, DateTimeOffset atOrBefore, CancellationToken cancellationToken);
}
