using System.Globalization;
using System.Text.Json;
using Contracts.Predictions;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Predictions;

/// <summary>The prediction log in the embedded store (a table in FeedbackCollector's SQLite database).</summary>
public sealed class SqlitePredictionLog : IPredictionLog
{
    private const string Columns =
        "prediction_id, model_name, model_version, entity_key, correlation_id, source, input, features, label, probability, value, received_at, predicted_at, trace_parent";

    private static readonly string[] ParameterNames =
        ["$id", "$model", "$version", "$entity", "$correlation", "$source", "$input", "$features", "$label", "$probability", "$value", "$received", "$predicted", "$trace"];

    private readonly EmbeddedDatabase _database;
    private readonly Lazy<Task> _schema;

    /// <summary>A log in <paramref name="database"/>; the table is created on first use.</summary>
    public SqlitePredictionLog(EmbeddedDatabase database)
    {
        _database = database;
        _schema = new Lazy<Task>(CreateSchemaAsync);
    }

    /// <inheritdoc />
    public async Task<int> AddAsync(IReadOnlyCollection<PredictionMade> predictions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count == 0)
            return 0;
        await _schema.Value;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT OR IGNORE INTO predictions ({Columns}) VALUES ({string.Join(", ", ParameterNames)})";
        var parameters = ParameterNames.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        parameters[9].SqliteType = SqliteType.Real;
        parameters[10].SqliteType = SqliteType.Real;

        var added = 0;
        foreach (var prediction in predictions)
        {
            parameters[0].Value = prediction.PredictionId.ToString("D");
            parameters[1].Value = prediction.ModelName;
            parameters[2].Value = prediction.ModelVersion;
            parameters[3].Value = (object?)prediction.EntityKey ?? DBNull.Value;
            parameters[4].Value = (object?)prediction.CorrelationId ?? DBNull.Value;
            parameters[5].Value = prediction.Source;
            parameters[6].Value = prediction.Input is { } input ? input.GetRawText() : DBNull.Value;
            parameters[7].Value = JsonSerializer.Serialize(prediction.Features);
            parameters[8].Value = (object?)prediction.Label ?? DBNull.Value;
            parameters[9].Value = prediction.Probability is { } probability ? (double)probability : DBNull.Value;
            parameters[10].Value = prediction.Value is { } value ? (double)value : DBNull.Value;
            parameters[11].Value = Timestamp(prediction.ReceivedAt);
            parameters[12].Value = Timestamp(prediction.PredictedAt);
            parameters[13].Value = (object?)prediction.TraceParent ?? DBNull.Value;
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <inheritdoc />
    public async Task<PredictionMade?> FindAsync(Guid predictionId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM predictions WHERE prediction_id = $id", command =>
            command.Parameters.AddWithValue("$id", predictionId.ToString("D")), cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PredictionMade>> FindByEntityKeyAsync(string modelName, string entityKey, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM predictions WHERE model_name = $model AND entity_key = $entity ORDER BY predicted_at DESC, prediction_id DESC LIMIT $limit",
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$entity", entityKey);
                command.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);

    private async Task<IReadOnlyList<PredictionMade>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.Value;
        await using var connection = await _database.OpenAsync(cancellationToken);
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
        row.IsDBNull(6) ? null : JsonDocument.Parse(row.GetString(6)).RootElement.Clone(),
        JsonSerializer.Deserialize<float[]>(row.GetString(7)) ?? [],
        row.IsDBNull(8) ? null : row.GetString(8),
        row.IsDBNull(9) ? null : (float)row.GetDouble(9),
        row.IsDBNull(10) ? null : (float)row.GetDouble(10),
        DateTimeOffset.Parse(row.GetString(11), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        DateTimeOffset.Parse(row.GetString(12), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        row.IsDBNull(13) ? null : row.GetString(13));

    // UTC with a fixed width, so text order is time order.
    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private async Task CreateSchemaAsync()
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS predictions (
                prediction_id TEXT PRIMARY KEY,
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
                trace_parent TEXT
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS predictions_by_entity_key ON predictions (model_name, entity_key, predicted_at DESC);
            """;
        await command.ExecuteNonQueryAsync();
    }
}
