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

    /// <summary>
    /// The model's rows observed at or after <paramref name="from"/> and before <paramref name="before"/>, read as they are
    /// consumed: oldest first, or newest first (ties by outcome id in the same direction).
    /// </summary>
    public IAsyncEnumerable<LabelledRow> ReadAsync(string modelName, DateTimeOffset from, DateTimeOffset before, bool newestFirst, CancellationToken cancellationToken)
    {
        var query = DocumentQuery.Where("model", modelName).And("observed", Comparison.GreaterOrEqual, from).And("observed", Comparison.Less, before);
        return _rows.StreamAsync(newestFirst ? query.OrderByDescending("observed") : query.OrderByAscending("observed"), cancellationToken).Select(stored => stored.Document.Row);
    }

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
