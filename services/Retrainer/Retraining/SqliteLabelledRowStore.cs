using System.Globalization;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace Retrainer.Retraining;

/// <summary>Labelled rows in the Retrainer's SQLite database: one row per model and outcome, indexed by observation time.</summary>
public sealed class SqliteLabelledRowStore(EmbeddedDatabase database, TimeProvider time) : ILabelledRowStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS labelled_rows (
            model TEXT NOT NULL,
            outcome_id TEXT NOT NULL,
            version TEXT NOT NULL,
            observed_ticks INTEGER NOT NULL,
            stored_ticks INTEGER NOT NULL,
            input TEXT NOT NULL,
            actual_value REAL,
            actual_label TEXT,
            UNIQUE (model, outcome_id));
        CREATE INDEX IF NOT EXISTS labelled_rows_by_time ON labelled_rows (model, observed_ticks DESC, outcome_id DESC);
        CREATE INDEX IF NOT EXISTS labelled_rows_by_stored ON labelled_rows (model, stored_ticks);
        """;

    private const string Columns = "model, outcome_id, version, observed_ticks, input, actual_value, actual_label";

    /// <inheritdoc />
    public async Task<int> AddAsync(IReadOnlyCollection<LabelledRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            return 0;
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO labelled_rows (model, outcome_id, version, observed_ticks, stored_ticks, input, actual_value, actual_label)
            VALUES ($model, $outcome, $version, $observed, $stored, $input, $value, $label)
            ON CONFLICT (model, outcome_id) DO NOTHING
            """;
        var model = command.Parameters.Add("$model", SqliteType.Text);
        var outcome = command.Parameters.Add("$outcome", SqliteType.Text);
        var version = command.Parameters.Add("$version", SqliteType.Text);
        var observed = command.Parameters.Add("$observed", SqliteType.Integer);
        var stored = command.Parameters.Add("$stored", SqliteType.Integer);
        var input = command.Parameters.Add("$input", SqliteType.Text);
        var value = command.Parameters.Add("$value", SqliteType.Real);
        var label = command.Parameters.Add("$label", SqliteType.Text);
        stored.Value = time.GetUtcNow().UtcTicks;
        var added = 0;
        foreach (var row in rows)
        {
            model.Value = row.ModelName;
            outcome.Value = row.OutcomeId.ToString("D");
            version.Value = row.ModelVersion;
            observed.Value = row.ObservedAt.UtcTicks;
            input.Value = row.Input;
            value.Value = row.ActualValue is { } number ? number : DBNull.Value;
            label.Value = (object?)row.ActualLabel ?? DBNull.Value;
            added += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NewestObservedAtAsync(string modelName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT observed_ticks FROM labelled_rows WHERE model = $model ORDER BY observed_ticks DESC LIMIT 1";
        command.Parameters.AddWithValue("$model", modelName);
        return await command.ExecuteScalarAsync(cancellationToken) is long ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LabelledRow>> NewestAsync(
        string modelName, DateTimeOffset? from, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM labelled_rows
            WHERE model = $model AND observed_ticks >= $from AND observed_ticks < $before
            ORDER BY observed_ticks DESC, outcome_id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$model", modelName);
        command.Parameters.AddWithValue("$from", from?.UtcTicks ?? long.MinValue);
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        command.Parameters.AddWithValue("$limit", limit);
        var rows = new List<LabelledRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LabelledRow(
                reader.GetString(0),
                Guid.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return rows;
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string modelName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM labelled_rows WHERE model = $model";
        command.Parameters.AddWithValue("$model", modelName);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<long> TrimAsync(string modelName, int keep, DateTimeOffset storedBefore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM labelled_rows WHERE model = $model AND stored_ticks < $storedBefore;
            DELETE FROM labelled_rows WHERE rowid IN (
                SELECT rowid FROM labelled_rows WHERE model = $model ORDER BY observed_ticks DESC, outcome_id DESC LIMIT -1 OFFSET $keep);
            """;
        command.Parameters.AddWithValue("$model", modelName);
        command.Parameters.AddWithValue("$storedBefore", storedBefore.UtcTicks);
        command.Parameters.AddWithValue("$keep", keep);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => database.Dispose();
}
