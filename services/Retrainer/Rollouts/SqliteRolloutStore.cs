using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace Retrainer.Rollouts;

/// <summary>Rollouts in the Retrainer's SQLite database: one row per rollout, the document as JSON beside the columns queried.</summary>
public sealed class SqliteRolloutStore(EmbeddedDatabase database) : IRolloutStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS rollouts (
            rollout_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            active INTEGER NOT NULL,
            started_ticks INTEGER NOT NULL,
            document TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS rollouts_by_model ON rollouts (model, started_ticks DESC);
        CREATE INDEX IF NOT EXISTS rollouts_active ON rollouts (active) WHERE active = 1;
        """;

    /// <inheritdoc />
    public async Task SaveAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO rollouts (rollout_id, model, active, started_ticks, document) VALUES ($id, $model, $active, $started, $document)
            ON CONFLICT (rollout_id) DO UPDATE SET active = excluded.active, document = excluded.document
            """;
        command.Parameters.AddWithValue("$id", rollout.RolloutId);
        command.Parameters.AddWithValue("$model", rollout.ModelName);
        command.Parameters.AddWithValue("$active", rollout.IsActive ? 1 : 0);
        command.Parameters.AddWithValue("$started", rollout.StartedAt.UtcTicks);
        command.Parameters.AddWithValue("$document", RolloutJson.Serialize(rollout));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Rollout?> FindAsync(string modelName, string rolloutId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("SELECT document FROM rollouts WHERE rollout_id = $id AND model = $model",
            command =>
            {
                command.Parameters.AddWithValue("$id", rolloutId);
                command.Parameters.AddWithValue("$model", modelName);
            }, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rollout>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync("SELECT document FROM rollouts WHERE model = $model ORDER BY started_ticks DESC, rollout_id DESC LIMIT $limit",
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$limit", limit);
            }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rollout>> ActiveAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT document FROM rollouts WHERE active = 1 ORDER BY model", _ => { }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => database.Dispose();

    private async Task<IReadOnlyList<Rollout>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var rollouts = new List<Rollout>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rollouts.Add(RolloutJson.Deserialize(reader.GetString(0)));
        return rollouts;
    }
}
