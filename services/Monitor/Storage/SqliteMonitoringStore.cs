using System.Text;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace Monitor.Storage;

/// <summary>
/// Monitor's store in the embedded SQLite database: tables <c>buckets</c> (unique by model, version and start),
/// <c>alerts</c> (keyed by alert id) and <c>rule_states</c> (keyed by rule, model and version), with an index for
/// every query (see <c>docs/storage.md</c>). Times are fixed-width UTC text (<see cref="EmbeddedTimestamps"/>), so
/// text order is time order. Disposing it closes its connections.
/// </summary>
/// <remarks>
/// Buckets and alerts are ordinary rowid tables, not <c>WITHOUT ROWID</c> ones: their JSON (a bucket's aggregate
/// is kilobytes) would otherwise sit in the key's b-tree, and listing the versions or expiring buckets would read
/// every aggregate. Their indexes hold only the keys, so those queries read small index pages.
/// </remarks>
public sealed class SqliteMonitoringStore(EmbeddedDatabase database) : IMonitoringStore, IDisposable
{
    /// <summary>The index of a version's buckets by start: the upsert's key, the range query, the versions listing.</summary>
    internal const string BucketsByVersionIndex = "buckets_by_version_and_start";

    /// <summary>The index of buckets by end: the retention delete.</summary>
    internal const string BucketsByEndIndex = "buckets_by_end";

    /// <summary>The alerts newest first, unfiltered or by time only.</summary>
    internal const string AlertsByDetectionIndex = "alerts_by_detection";

    /// <summary>A model's alerts newest first.</summary>
    internal const string AlertsByModelIndex = "alerts_by_model_and_time";

    /// <summary>A model version's alerts newest first.</summary>
    internal const string AlertsByVersionIndex = "alerts_by_version_and_time";

    /// <summary>The alerts of one kind newest first.</summary>
    internal const string AlertsByKindIndex = "alerts_by_kind_and_time";

    private const string Schema = $"""
        CREATE TABLE IF NOT EXISTS buckets (
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            start_at TEXT NOT NULL,
            end_at TEXT NOT NULL,
            predictions INTEGER NOT NULL,
            outcomes INTEGER NOT NULL,
            aggregate TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS {BucketsByVersionIndex} ON buckets (model_name, model_version, start_at);
        CREATE INDEX IF NOT EXISTS {BucketsByEndIndex} ON buckets (end_at);
        CREATE TABLE IF NOT EXISTS alerts (
            alert_id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            rule TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            summary TEXT NOT NULL,
            details TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS {AlertsByDetectionIndex} ON alerts (detected_at, alert_id);
        CREATE INDEX IF NOT EXISTS {AlertsByModelIndex} ON alerts (model_name, detected_at, alert_id);
        CREATE INDEX IF NOT EXISTS {AlertsByVersionIndex} ON alerts (model_name, model_version, detected_at, alert_id);
        CREATE INDEX IF NOT EXISTS {AlertsByKindIndex} ON alerts (kind, detected_at, alert_id);
        CREATE TABLE IF NOT EXISTS rule_states (
            rule TEXT NOT NULL,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            consecutive INTEGER NOT NULL,
            since TEXT,
            last_fired_at TEXT,
            last_value REAL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (model_name, model_version, rule)
        ) WITHOUT ROWID;
        """;

    /// <summary>A version's buckets in a range of starts (parameters <c>$model</c>, <c>$version</c>, <c>$from</c>, <c>$before</c>).</summary>
    internal const string ListBucketsSql = """
        SELECT model_name, model_version, start_at, end_at, predictions, outcomes, aggregate FROM buckets
        WHERE model_name = $model AND model_version = $version AND start_at >= $from AND start_at < $before
        ORDER BY start_at
        """;

    /// <summary>Every version with its first and last bucket start.</summary>
    internal const string ListVersionsSql = """
        SELECT model_name, model_version, MIN(start_at), MAX(start_at) FROM buckets
        GROUP BY model_name, model_version ORDER BY model_name, model_version
        """;

    /// <summary>The buckets that ended before <c>$cutoff</c>.</summary>
    internal const string DeleteBucketsSql = "DELETE FROM buckets WHERE end_at < $cutoff";

    /// <inheritdoc />
    public async Task SaveBucketAsync(MonitoringBucket bucket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO buckets (model_name, model_version, start_at, end_at, predictions, outcomes, aggregate)
            VALUES ($model, $version, $start, $end, $predictions, $outcomes, $aggregate)
            ON CONFLICT (model_name, model_version, start_at) DO UPDATE SET
                end_at = excluded.end_at, predictions = excluded.predictions, outcomes = excluded.outcomes, aggregate = excluded.aggregate
            """;
        command.Parameters.AddWithValue("$model", bucket.ModelName);
        command.Parameters.AddWithValue("$version", bucket.ModelVersion);
        command.Parameters.AddWithValue("$start", EmbeddedTimestamps.Format(bucket.Start));
        command.Parameters.AddWithValue("$end", EmbeddedTimestamps.Format(bucket.End));
        command.Parameters.AddWithValue("$predictions", bucket.Predictions);
        command.Parameters.AddWithValue("$outcomes", bucket.Outcomes);
        command.Parameters.AddWithValue("$aggregate", bucket.AggregateJson);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoringBucket>> ListBucketsAsync(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(modelVersion);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ListBucketsSql;
        command.Parameters.AddWithValue("$model", modelName);
        command.Parameters.AddWithValue("$version", modelVersion);
        command.Parameters.AddWithValue("$from", EmbeddedTimestamps.Format(startsFrom));
        command.Parameters.AddWithValue("$before", EmbeddedTimestamps.Format(startsBefore));
        var buckets = new List<MonitoringBucket>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(new MonitoringBucket(
                reader.GetString(0), reader.GetString(1), EmbeddedTimestamps.Parse(reader.GetString(2)), EmbeddedTimestamps.Parse(reader.GetString(3)),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetString(6)));
        }

        return buckets;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MonitoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ListVersionsSql;
        var versions = new List<MonitoredVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(new MonitoredVersion(reader.GetString(0), reader.GetString(1), EmbeddedTimestamps.Parse(reader.GetString(2)), EmbeddedTimestamps.Parse(reader.GetString(3))));
        return versions;
    }

    /// <inheritdoc />
    public async Task<long> DeleteBucketsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = DeleteBucketsSql;
        command.Parameters.AddWithValue("$cutoff", EmbeddedTimestamps.Format(cutoff));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO alerts (alert_id, kind, model_name, model_version, rule, detected_at, summary, details)
            VALUES ($id, $kind, $model, $version, $rule, $detected, $summary, $details)
            ON CONFLICT (alert_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$id", alert.AlertId.ToString());
        command.Parameters.AddWithValue("$kind", alert.Kind);
        command.Parameters.AddWithValue("$model", alert.ModelName);
        command.Parameters.AddWithValue("$version", alert.ModelVersion);
        command.Parameters.AddWithValue("$rule", alert.Rule);
        command.Parameters.AddWithValue("$detected", EmbeddedTimestamps.Format(alert.DetectedAt));
        command.Parameters.AddWithValue("$summary", alert.Summary);
        command.Parameters.AddWithValue("$details", alert.DetailsJson);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ListAlertsSql(query);
        AddAlertParameters(command.Parameters, query);
        var alerts = new List<AlertRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new AlertRecord(
                Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                EmbeddedTimestamps.Parse(reader.GetString(5)), reader.GetString(6), reader.GetString(7)));
        }

        return alerts;
    }

    /// <inheritdoc />
    public async Task SaveRuleStateAsync(AlertRuleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO rule_states (rule, model_name, model_version, kind, state, consecutive, since, last_fired_at, last_value, updated_at)
            VALUES ($rule, $model, $version, $kind, $state, $consecutive, $since, $fired, $value, $updated)
            ON CONFLICT (model_name, model_version, rule) DO UPDATE SET
                kind = excluded.kind, state = excluded.state, consecutive = excluded.consecutive, since = excluded.since,
                last_fired_at = excluded.last_fired_at, last_value = excluded.last_value, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$rule", state.Rule);
        command.Parameters.AddWithValue("$model", state.ModelName);
        command.Parameters.AddWithValue("$version", state.ModelVersion);
        command.Parameters.AddWithValue("$kind", state.Kind);
        command.Parameters.AddWithValue("$state", state.State);
        command.Parameters.AddWithValue("$consecutive", state.Consecutive);
        command.Parameters.AddWithValue("$since", state.Since is { } since ? EmbeddedTimestamps.Format(since) : DBNull.Value);
        command.Parameters.AddWithValue("$fired", state.LastFiredAt is { } fired ? EmbeddedTimestamps.Format(fired) : DBNull.Value);
        // SQLite turns NaN into NULL anyway; infinities go the same way, so every store keeps "no finite value" as null.
        command.Parameters.AddWithValue("$value", state.LastValue is { } value && double.IsFinite(value) ? value : DBNull.Value);
        command.Parameters.AddWithValue("$updated", EmbeddedTimestamps.Format(state.UpdatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRuleState>> ListRuleStatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT rule, kind, model_name, model_version, state, consecutive, since, last_fired_at, last_value, updated_at
            FROM rule_states ORDER BY model_name, model_version, rule
            """;
        var states = new List<AlertRuleState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new AlertRuleState(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                OptionalTime(reader, 6), OptionalTime(reader, 7), reader.IsDBNull(8) ? null : reader.GetDouble(8), EmbeddedTimestamps.Parse(reader.GetString(9))));
        }

        return states;
    }

    /// <inheritdoc />
    public void Dispose() => database.Dispose();

    /// <summary>
    /// The SELECT <see cref="ListAlertsAsync"/> runs: only the conditions the query has, so SQLite can pick the
    /// index that matches them (a <c>($model IS NULL OR model_name = $model)</c> form would keep it from any).
    /// </summary>
    internal static string ListAlertsSql(AlertQuery query)
    {
        var sql = new StringBuilder("SELECT alert_id, kind, model_name, model_version, rule, detected_at, summary, details FROM alerts");
        var conditions = new List<string>(4);
        if (query.ModelName is not null)
            conditions.Add("model_name = $model");
        if (query.ModelVersion is not null)
            conditions.Add("model_version = $version");
        if (query.Kind is not null)
            conditions.Add("kind = $kind");
        if (query.Since is not null)
            conditions.Add("detected_at >= $since");
        if (conditions.Count > 0)
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        return sql.Append(" ORDER BY detected_at DESC, alert_id DESC LIMIT $limit").ToString();
    }

    /// <summary>The parameters of <see cref="ListAlertsSql"/> for <paramref name="query"/>.</summary>
    internal static void AddAlertParameters(SqliteParameterCollection parameters, AlertQuery query)
    {
        if (query.ModelName is { } model)
            parameters.AddWithValue("$model", model);
        if (query.ModelVersion is { } version)
            parameters.AddWithValue("$version", version);
        if (query.Kind is { } kind)
            parameters.AddWithValue("$kind", kind);
        if (query.Since is { } since)
            parameters.AddWithValue("$since", EmbeddedTimestamps.Format(since));
        parameters.AddWithValue("$limit", query.Limit);
    }

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : EmbeddedTimestamps.Parse(reader.GetString(column));
}
