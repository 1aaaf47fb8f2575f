namespace Monitor.Storage;

/// <summary>
/// Monitor's store: the closed (and open) time buckets of every model version's monitoring aggregate, the
/// alert history, and the alert rules' states. The embedded store and MongoDB implement it and pass the same
/// contract tests (<c>tests/Monitor.Tests/Storage/MonitoringStoreContract</c>).
/// </summary>
public interface IMonitoringStore
{
    /// <summary>
    /// Saves one time bucket of one model version's aggregate. Upsert by (ModelName, ModelVersion, Start): saving
    /// the same bucket again replaces it (Monitor saves the open bucket repeatedly as events arrive).
    /// </summary>
    Task SaveBucketAsync(MonitoringBucket bucket, CancellationToken cancellationToken);

    /// <summary>The buckets of one model version whose Start is in [<paramref name="startsFrom"/>, <paramref name="startsBefore"/>), ascending by Start.</summary>
    Task<IReadOnlyList<MonitoringBucket>> ListBucketsAsync(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken cancellationToken);

    /// <summary>Every (model, version) that has buckets, with its first and last bucket start, ordered by model then version (ordinal).</summary>
    Task<IReadOnlyList<MonitoredVersion>> ListVersionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the buckets that ended before <paramref name="cutoff"/>; returns how many. MongoDB also expires them by
    /// itself (a TTL index), so there the count leaves out those its TTL monitor deleted first, and may be 0.
    /// </summary>
    Task<long> DeleteBucketsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Stores an alert unless its id is there already; true when it was new.</summary>
    Task<bool> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken);

    /// <summary>
    /// The alerts matching every condition <paramref name="query"/> has, newest DetectedAt first (equal times by
    /// descending alert id), at most <see cref="AlertQuery.Limit"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the limit is not positive.</exception>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the state of one alert rule for one model version (upsert by Rule, ModelName, ModelVersion), so
    /// consecutive counts and cool-downs survive a restart. A <see cref="AlertRuleState.LastValue"/> that is not a
    /// finite number is kept as null.
    /// </summary>
    Task SaveRuleStateAsync(AlertRuleState state, CancellationToken cancellationToken);

    /// <summary>Every saved rule state, ordered by model, version, then rule (ordinal).</summary>
    Task<IReadOnlyList<AlertRuleState>> ListRuleStatesAsync(CancellationToken cancellationToken);
}

/// <summary>One time bucket of one model version: [Start, End), its counts, and the aggregate as opaque JSON written by Monitor.</summary>
public sealed record MonitoringBucket(string ModelName, string ModelVersion, DateTimeOffset Start, DateTimeOffset End, long Predictions, long Outcomes, string AggregateJson);

/// <summary>A model version that has buckets.</summary>
public sealed record MonitoredVersion(string ModelName, string ModelVersion, DateTimeOffset FirstBucketStart, DateTimeOffset LastBucketStart);

/// <summary>One fired alert: <paramref name="Kind"/> is drift, performance or stalled; <paramref name="DetailsJson"/> the event as JSON.</summary>
public sealed record AlertRecord(Guid AlertId, string Kind, string ModelName, string ModelVersion, string Rule, DateTimeOffset DetectedAt, string Summary, string DetailsJson);

/// <summary>Which alerts to list: each condition that is not null must hold; <paramref name="Since"/> is inclusive; <paramref name="Limit"/> is positive.</summary>
public sealed record AlertQuery(string? ModelName = null, string? ModelVersion = null, string? Kind = null, DateTimeOffset? Since = null, int Limit = 100);

/// <summary>The state of one alert rule for one model version: ok, pending (breached fewer times than needed) or firing.</summary>
public sealed record AlertRuleState(string Rule, string Kind, string ModelName, string ModelVersion, string State, int Consecutive, DateTimeOffset? Since, DateTimeOffset? LastFiredAt, double? LastValue, DateTimeOffset UpdatedAt);
