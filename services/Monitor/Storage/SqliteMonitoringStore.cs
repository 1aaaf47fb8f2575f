using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace Monitor.Storage;

/// <summary>
/// Monitor's store in the embedded SQLite database: tables <c>buckets</c> (keyed by model, version and start),
/// <c>alerts</c> (keyed by alert id, indexed by time and by model) and <c>rule_states</c>. Times are fixed-width
/// UTC text (<see cref="EmbeddedTimestamps"/>), so text order is time order. Disposing it closes its connections.
/// </summary>
public sealed class SqliteMonitoringStore(EmbeddedDatabase database) : IMonitoringStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS buckets (
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            start_at TEXT NOT NULL,
            end_at TEXT NOT NULL,
            predictions INTEGER NOT NULL,
            outcomes INTEGER NOT NULL,
            aggregate TEXT NOT NULL,
            PRIMARY KEY (model_name, model_version, start_at)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS buckets_by_end ON buckets (end_at);
        CREATE TABLE IF NOT EXISTS alerts (
            alert_id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            rule TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            summary TEXT NOT NULL,
            details TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (detected_at);
        CREATE INDEX IF NOT EXISTS alerts_by_model ON alerts (model_name, model_version, detected_at);
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
            PRIMARY KEY (rule, model_name, model_version)
        ) WITHOUT ROWID;
        """;

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
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT model_name, model_version, start_at, end_at, predictions, outcomes, aggregate FROM buckets
            WHERE model_name = $model AND model_version = $version AND start_at >= $from AND start_at < $before
            ORDER BY start_at
            """;
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
        command.CommandText = """
            SELECT model_name, model_version, MIN(start_at), MAX(start_at) FROM buckets
            GROUP BY model_name, model_version ORDER BY model_name, model_version
            """;
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
        command.CommandText = "DELETE FROM buckets WHERE end_at < $cutoff";
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
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT alert_id, kind, model_name, model_version, rule, detected_at, summary, details FROM alerts
            WHERE ($model IS NULL OR model_name = $model) AND ($version IS NULL OR model_version = $version)
              AND ($kind IS NULL OR kind = $kind) AND ($since IS NULL OR detected_at >= $since)
            ORDER BY detected_at DESC, alert_id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$model", (object?)query.ModelName ?? DBNull.Value);
        command.Parameters.AddWithValue("$version", (object?)query.ModelVersion ?? DBNull.Value);
        command.Parameters.AddWithValue("$kind", (object?)query.Kind ?? DBNull.Value);
        command.Parameters.AddWithValue("$since", query.Since is { } since ? EmbeddedTimestamps.Format(since) : DBNull.Value);
        command.Parameters.AddWithValue("$limit", query.Limit);
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
            ON CONFLICT (rule, model_name, model_version) DO UPDATE SET
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

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : EmbeddedTimestamps.Parse(reader.GetString(column));
}
