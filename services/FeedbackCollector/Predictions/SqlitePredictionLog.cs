using System.Text.Json;
using Contracts.Predictions;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Predictions;

/// <summary>
/// The prediction log in the embedded store: the <c>predictions</c> table of FeedbackCollector's SQLite
/// database, keyed by prediction id, with an index for the entity-key lookup. Created on first use.
/// </summary>
/// <remarks>
/// Columns hold the <see cref="PredictionMade"/> fields as they arrived: the raw input record and the
/// feature vector as JSON text, times as fixed-width UTC text (<c>2001-02-03T07:45:00.0000000Z</c>, so text
/// order is time order), probabilities and values as REAL. Disposing it closes its pooled connections.
/// </remarks>
public sealed class SqlitePredictionLog : IPredictionLog, IDisposable
{
    private const string Columns =
        "prediction_id, model_name, model_version, entity_key, correlation_id, source, input, features, label, probability, value, received_at, predicted_at, trace_parent, shadow";

    private static readonly string[] ParameterNames =
        ["$id", "$model", "$version", "$entity", "$correlation", "$source", "$input", "$features", "$label", "$probability", "$value", "$received", "$predicted", "$trace", "$shadow"];

    // Internal for the test that checks SQLite's query plan.
    internal const string FindByEntityKeySql =
        $"SELECT {Columns} FROM predictions WHERE model_name = $model AND entity_key = $entity ORDER BY predicted_at DESC, prediction_id DESC LIMIT $limit";

    // The newest prediction of each version, found on the entity-key index: the window picks one per version
    // from the entity's (few) predictions, and only the winners' full rows are read.
    internal const string FindLatestPerVersionSql = $"""
        SELECT {Columns} FROM predictions WHERE prediction_id IN (
            SELECT prediction_id FROM (
                SELECT prediction_id, row_number() OVER (PARTITION BY model_version ORDER BY predicted_at DESC, prediction_id DESC) AS newest
                FROM predictions WHERE model_name = $model AND entity_key = $entity AND predicted_at <= $at)
            WHERE newest = 1)
        """;

    internal const string FindManySql = $"SELECT {Columns} FROM predictions WHERE prediction_id IN (SELECT value FROM json_each($ids))";

    // The partial index skips predictions without an entity key (tensor requests); a lookup's
    // "entity_key = $entity" implies the index's condition, so SQLite uses it, and reading it backwards
    // gives newest first with the time-ordered (UUID v7) prediction id as tie-breaker.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS predictions (
            prediction_id TEXT NOT NULL PRIMARY KEY,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            entity_key TEXT,
            correlation_id TEXT,
            source TEXT NOT NULL,
            input TEXT,
            features TEXT NOT NULL,
            label TEXT,
            probability REAL,
            value REAL,
            received_at TEXT NOT NULL,
            predicted_at TEXT NOT NULL,
            trace_parent TEXT,
            shadow INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS predictions_by_entity_key
            ON predictions (model_name, entity_key, predicted_at) WHERE entity_key IS NOT NULL;
        """;

    private readonly EmbeddedDatabase _database;
    private volatile bool _migrated;

    /// <summary>A log in <paramref name="database"/>, which it owns (and disposes).</summary>
    public SqlitePredictionLog(EmbeddedDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(PredictionMade prediction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return await AddManyAsync([prediction], cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<int> AddManyAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count == 0)
            return 0;

        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the write lock is taken (or waited for) up front, not half-way through.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO predictions ({Columns}) VALUES ({string.Join(", ", ParameterNames)}) ON CONFLICT (prediction_id) DO NOTHING";
        var parameters = ParameterNames.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        parameters[9].SqliteType = SqliteType.Real;
        parameters[10].SqliteType = SqliteType.Real;
        parameters[14].SqliteType = SqliteType.Integer;

        var added = 0;
        foreach (var prediction in predictions)
        {
            parameters[0].Value = Key(prediction.PredictionId);
            parameters[1].Value = prediction.ModelName;
            parameters[2].Value = prediction.ModelVersion;
            parameters[3].Value = (object?)prediction.EntityKey ?? DBNull.Value;
            parameters[4].Value = (object?)prediction.CorrelationId ?? DBNull.Value;
            parameters[5].Value = prediction.Source;
            parameters[6].Value = prediction.Input is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } input ? input.GetRawText() : DBNull.Value;
            parameters[7].Value = JsonSerializer.Serialize(prediction.Features ?? []);
            parameters[8].Value = (object?)prediction.Label ?? DBNull.Value;
            parameters[9].Value = prediction.Probability is { } probability ? (double)probability : DBNull.Value;
            parameters[10].Value = prediction.Value is { } value ? (double)value : DBNull.Value;
            parameters[11].Value = Timestamp(prediction.ReceivedAt);
            parameters[12].Value = Timestamp(prediction.PredictedAt);
            parameters[13].Value = (object?)prediction.TraceParent ?? DBNull.Value;
            parameters[14].Value = prediction.Shadow ? 1 : 0;
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <inheritdoc />
    public async Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            $"SELECT {Columns} FROM predictions WHERE prediction_id = $id",
            command => command.Parameters.AddWithValue("$id", Key(predictionId)),
            cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(entityKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            FindByEntityKeySql,
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$entity", entityKey);
                command.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionMade>> FindManyAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictionIds);
        if (predictionIds.Count == 0)
            return [];
        // One JSON array parameter instead of one parameter per id: no limit on how many.
        return await QueryAsync(
            FindManySql,
            command => command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(predictionIds.Select(Key))),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PredictionMade>> FindLatestPerVersionAsync(string modelName, string entityKey, DateTimeOffset atOrBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(entityKey);
        return QueryAsync(
            FindLatestPerVersionSql,
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$entity", entityKey);
                command.Parameters.AddWithValue("$at", Timestamp(atOrBefore));
            },
            cancellationToken);
    }

    /// <summary>Closes the pooled connections to the database file.</summary>
    public void Dispose()
    {
        _database.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(Schema, cancellationToken);
        if (!_migrated)
        {
            // A log written before shadow predictions existed lacks the column (CREATE TABLE IF NOT EXISTS kept the old table).
            await using var check = connection.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM pragma_table_info('predictions') WHERE name = 'shadow'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                await using var alter = connection.CreateCommand();
                alter.CommandText = "ALTER TABLE predictions ADD COLUMN shadow INTEGER NOT NULL DEFAULT 0";
                await alter.ExecuteNonQueryAsync(cancellationToken);
            }

            _migrated = true;
        }

        return connection;
    }

    private async Task<IReadOnlyList<PredictionMade>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var predictions = new List<PredictionMade>();
        while (await reader.ReadAsync(cancellationToken))
            predictions.Add(Read(reader));
        return predictions;
    }

    private static PredictionMade Read(SqliteDataReader row) => new(
        Guid.Parse(row.GetString(0)),
        row.GetString(1),
        row.GetString(2),
        row.IsDBNull(3) ? null : row.GetString(3),
        row.IsDBNull(4) ? null : row.GetString(4),
        row.GetString(5),
        row.IsDBNull(6) ? null : ParseJson(row.GetString(6)),
        JsonSerializer.Deserialize<float[]>(row.GetString(7)) ?? [],
        row.IsDBNull(8) ? null : row.GetString(8),
        row.IsDBNull(9) ? null : (float)row.GetDouble(9),
        row.IsDBNull(10) ? null : (float)row.GetDouble(10),
        EmbeddedTimestamps.Parse(row.GetString(11)),
        EmbeddedTimestamps.Parse(row.GetString(12)),
        row.IsDBNull(13) ? null : row.GetString(13))
    {
        Shadow = row.GetInt64(14) != 0,
    };

    private static JsonElement ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    // Lower-case canonical form: UUID v7 ids then sort by time as text.
    private static string Key(Guid predictionId) => predictionId.ToString("D");

    private static string Timestamp(DateTimeOffset value) => EmbeddedTimestamps.Format(value);
}
