using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace Retrainer.Retraining;

/// <summary>Retraining jobs in the Retrainer's SQLite database: one row per job, the document as JSON beside the columns queried.</summary>
public sealed class SqliteRetrainingJobStore(EmbeddedDatabase database) : IRetrainingJobStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS retraining_jobs (
            job_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            running INTEGER NOT NULL,
            requested_ticks INTEGER NOT NULL,
            document TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS retraining_jobs_by_model ON retraining_jobs (model, requested_ticks DESC, job_id DESC);
        CREATE INDEX IF NOT EXISTS retraining_jobs_running ON retraining_jobs (running) WHERE running = 1;
        """;

    /// <inheritdoc />
    public async Task SaveAsync(RetrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO retraining_jobs (job_id, model, running, requested_ticks, document) VALUES ($id, $model, $running, $requested, $document)
            ON CONFLICT (job_id) DO UPDATE SET running = excluded.running, document = excluded.document
            """;
        command.Parameters.AddWithValue("$id", job.JobId);
        command.Parameters.AddWithValue("$model", job.Model);
        command.Parameters.AddWithValue("$running", job.IsRunning ? 1 : 0);
        command.Parameters.AddWithValue("$requested", job.RequestedAt.UtcTicks);
        command.Parameters.AddWithValue("$document", RetrainingJson.Serialize(job));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RetrainingJob?> FindAsync(string modelName, string jobId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("SELECT document FROM retraining_jobs WHERE job_id = $id AND model = $model",
            command =>
            {
                command.Parameters.AddWithValue("$id", jobId);
                command.Parameters.AddWithValue("$model", modelName);
            }, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrainingJob>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync("SELECT document FROM retraining_jobs WHERE model = $model ORDER BY requested_ticks DESC, job_id DESC LIMIT $limit",
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$limit", limit);
            }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrainingJob>> RunningAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT document FROM retraining_jobs WHERE running = 1 ORDER BY requested_ticks", _ => { }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => database.Dispose();

    private async Task<IReadOnlyList<RetrainingJob>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(Schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var jobs = new List<RetrainingJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            jobs.Add(RetrainingJson.Deserialize(reader.GetString(0)));
        return jobs;
    }
}
