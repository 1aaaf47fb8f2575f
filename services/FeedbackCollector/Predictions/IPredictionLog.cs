using Contracts.Predictions;

namespace FeedbackCollector.Predictions;

/// <summary>
/// Every prediction the platform made, as FeedbackCollector keeps it to join ground truth later. Adding is
/// idempotent by prediction id: a <see cref="PredictionMade"/> delivered twice is stored once.
/// </summary>
public interface IPredictionLog
{
    /// <summary>Stores the predictions not stored yet; returns how many were new.</summary>
    Task<int> AddAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken);

    /// <summary>The prediction with this id, if logged.</summary>
    Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken);

    /// <summary>The predictions of a model for one entity key, newest first (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken);
}
