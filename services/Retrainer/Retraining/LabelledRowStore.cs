using ServiceDefaults.Storage.Documents;

namespace Retrainer.Retraining;

/// <summary>Labelled rows, once per model and outcome, each with the time it was stored (by the host's clock) for the retention.</summary>
public sealed class LabelledRowStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database, TimeProvider time)
{
    private readonly IDocuments<StoredRow> _rows = database.Collection(new DocumentSchema<StoredRow>
    {
        Name = "labelled_rows",
        Key = stored => $"{stored.Row.ModelName}/{stored.Row.OutcomeId:D}",
        Fields = [new("model", stored => stored.Row.ModelName), new("observed", stored => stored.Row.ObservedAt),
            new("outcome", stored => stored.Row.OutcomeId), new("stored", stored => stored.StoredAt)],
        Indexes = [["model", "observed"], ["model", "stored"]],
    });

    /// <summary>Adds the rows not stored yet (by model and outcome id), in one round trip; returns how many were new.</summary>
    public async Task<int> AddAsync(IReadOnlyCollection<LabelledRow> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var added = await _rows.InsertManyAsync([.. rows.Select(row => new StoredRow(row with { ObservedAt = row.ObservedAt.ToUniversalTime() }, now))], cancellationToken);
        return added.Count(inserted => inserted);
    }

    /// <summary>The newest observation time of the model's rows, or null when it has none.</summary>
    public async Task<DateTimeOffset?> NewestObservedAtAsync(string modelName, CancellationToken cancellationToken) =>
        await _rows.ListAsync(DocumentQuery.Where("model", modelName).OrderByDescending("observed").Take(1), cancellationToken) is [var newest] ? newest.Row.ObservedAt : null;

    /// <summary>
    /// The model's rows observed at or after <paramref name="from"/> (any time when null) and before
    /// <paramref name="before"/>, newest first (ties by outcome id, descending), at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<LabelledRow>> NewestAsync(string modelName, DateTimeOffset? from, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var query = DocumentQuery.Where("model", modelName).And("observed", Comparison.Less, before);
        if (from is { } start)
            query = query.And("observed", Comparison.GreaterOrEqual, start);
        return [.. (await _rows.ListAsync(query.OrderByDescending("observed").Take(limit), cancellationToken)).Select(stored => stored.Row)];
    }

    /// <summary>The model's rows observed at or after <paramref name="from"/> and before <paramref name="before"/>, oldest first, read as they are consumed.</summary>
    public IAsyncEnumerable<LabelledRow> ReadAsync(string modelName, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken) =>
        _rows.StreamAsync(DocumentQuery.Where("model", modelName).And("observed", Comparison.GreaterOrEqual, from).And("observed", Comparison.Less, before).OrderByAscending("observed"), cancellationToken)
            .Select(stored => stored.Document.Row);

    /// <summary>
    /// Deletes the model's rows stored before <paramref name="storedBefore"/>, then those beyond the newest
    /// <paramref name="keep"/> (by observation time, ties by outcome id); returns how many were deleted.
    /// </summary>
    public async Task<long> TrimAsync(string modelName, int keep, DateTimeOffset storedBefore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        var model = DocumentQuery.Where("model", modelName);
        var deleted = await _rows.DeleteManyAsync(model.And("stored", Comparison.Less, storedBefore), cancellationToken);
        var beyond = (await _rows.CountByAsync(model, "model", cancellationToken)).GetValueOrDefault(modelName) - keep;
        if (beyond <= 0)
            return deleted;
        // The oldest rows beyond the newest `keep`: the newest of them, and everything older, goes.
        var last = (await _rows.ListAsync(model.OrderByAscending("observed").Take((int)beyond), cancellationToken))[^1].Row;
        return deleted + await _rows.DeleteManyAsync(model.And("observed", Comparison.Less, last.ObservedAt), cancellationToken)
            + await _rows.DeleteManyAsync(model.And("observed", last.ObservedAt).And("outcome", Comparison.LessOrEqual, last.OutcomeId), cancellationToken);
    }

    private sealed record StoredRow(LabelledRow Row, DateTimeOffset StoredAt);
}
