namespace Retrainer.Retraining;

/// <summary>Where the Retrainer keeps labelled rows: its SQLite database (embedded) or its MongoDB database.</summary>
public interface ILabelledRowStore
{
    /// <summary>Adds the rows not stored yet (by model and outcome id); returns how many were new.</summary>
    Task<int> AddAsync(IReadOnlyCollection<LabelledRow> rows, CancellationToken cancellationToken);

    /// <summary>The newest observation time of the model's rows, or null when it has none.</summary>
    Task<DateTimeOffset?> NewestObservedAtAsync(string modelName, CancellationToken cancellationToken);

    /// <summary>
    /// The model's rows observed at or after <paramref name="from"/> (any time when null) and before
    /// <paramref name="before"/>, newest first (ties by outcome id, descending), at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<LabelledRow>> NewestAsync(string modelName, DateTimeOffset? from, DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>How many rows the model has.</summary>
    Task<long> CountAsync(string modelName, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the model's rows beyond the newest <paramref name="keep"/> (by observation time) and every row stored
    /// before <paramref name="storedBefore"/>; returns how many were deleted.
    /// </summary>
    Task<long> TrimAsync(string modelName, int keep, DateTimeOffset storedBefore, CancellationToken cancellationToken);
}
