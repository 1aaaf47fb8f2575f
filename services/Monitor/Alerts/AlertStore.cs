using ServiceDefaults.Storage.Documents;

namespace Monitor.Alerts;

/// <summary>Monitor's alert history: collection <c>alerts</c>, one document per alert id, indexed for every filter of a listing.</summary>
public sealed class AlertStore([FromKeyedServices(MonitorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<AlertRecord> _alerts = database.Collection(new DocumentSchema<AlertRecord>
    {
        Name = "alerts",
        Key = alert => alert.AlertId.ToString(),
        Fields = [new("detected", alert => alert.DetectedAt), new("model", alert => alert.ModelName), new("version", alert => alert.ModelVersion), new("kind", alert => alert.Kind)],
        Indexes = [["detected"], ["model", "detected"], ["model", "version", "detected"], ["kind", "detected"]],
    });

    /// <summary>Stores an alert unless its id is there already; true when it was new.</summary>
    public Task<bool> AddAsync(AlertRecord alert, CancellationToken cancellationToken) =>
        _alerts.InsertAsync(alert with { DetectedAt = alert.DetectedAt.ToUniversalTime() }, cancellationToken);

    /// <summary>The alerts matching every condition of <paramref name="query"/>, newest first (equal times by descending id), at most its limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the limit is not positive.</exception>
    public Task<IReadOnlyList<AlertRecord>> ListAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        Condition[] conditions = [new("model", Comparison.Equal, query.ModelName), new("version", Comparison.Equal, query.ModelVersion),
            new("kind", Comparison.Equal, query.Kind), new("detected", Comparison.GreaterOrEqual, query.Since)];
        return _alerts.ListAsync(new DocumentQuery([.. conditions.Where(condition => condition.Value is not null)], [], null).OrderByDescending("detected").Take(query.Limit), cancellationToken);
    }
}
