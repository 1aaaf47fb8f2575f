using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Modeling.Features;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Batches;

/// <summary>
/// Batches in the embedded store: tables <c>batches</c>, <c>batch_chunks</c> (one row per scored chunk, its
/// results as one JSON document) and <c>batch_invalid_rows</c> of FeatureBuilder's SQLite database. Every
/// write is one transaction; counters are updated in the same transaction as the rows they count.
/// </summary>
public sealed class SqliteBatchStore(EmbeddedDatabase database) : IBatchStore, IDisposable
{
    private const string Columns =
        "batch_id, model_name, model_version, card_json, format, input_name, input_path, is_uploaded, state, submitted_at, started_at, " +
        "finished_at, expires_at, rows_read, rows_invalid, rows_scored, estimated_rows, chunks_published, chunks_scored, total_chunks, error";

    // batch_chunks keeps its rowid: its rows are large, and a WITHOUT ROWID table stores them inside the key's b-tree.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS batches (
            batch_id TEXT NOT NULL PRIMARY KEY,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            card_json TEXT NOT NULL,
            format TEXT NOT NULL,
            input_name TEXT NOT NULL,
            input_path TEXT NOT NULL,
            is_uploaded INTEGER NOT NULL,
            state TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            expires_at TEXT,
            rows_read INTEGER NOT NULL,
            rows_invalid INTEGER NOT NULL,
            rows_scored INTEGER NOT NULL,
            estimated_rows INTEGER,
            chunks_published INTEGER NOT NULL,
            chunks_scored INTEGER NOT NULL,
            total_chunks INTEGER,
            error TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS batches_by_model ON batches (model_name, submitted_at);
        CREATE INDEX IF NOT EXISTS batches_unfinished ON batches (submitted_at) WHERE state IN ('queued', 'running');
        CREATE INDEX IF NOT EXISTS batches_by_expiry ON batches (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS batch_chunks (
            batch_id TEXT NOT NULL,
            chunk_index INTEGER NOT NULL,
            row_count INTEGER NOT NULL,
            results BLOB NOT NULL,
            PRIMARY KEY (batch_id, chunk_index)
        );
        CREATE TABLE IF NOT EXISTS batch_invalid_rows (
            batch_id TEXT NOT NULL,
            row_number INTEGER NOT NULL,
            errors TEXT NOT NULL,
            PRIMARY KEY (batch_id, row_number)
        ) WITHOUT ROWID;
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task CreateAsync(Batch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO batches ({Columns}) VALUES ($id, $model, $version, $card, $format, $inputName, $inputPath, $uploaded, " +
            "$state, $submitted, NULL, NULL, NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL)";
        insert.Parameters.AddWithValue("$id", Key(batch.Id));
        insert.Parameters.AddWithValue("$model", batch.ModelName);
        insert.Parameters.AddWithValue("$version", batch.ModelVersion);
        insert.Parameters.AddWithValue("$card", batch.CardJson);
        insert.Parameters.AddWithValue("$format", BatchFormats.NameOf(batch.Format));
        insert.Parameters.AddWithValue("$inputName", batch.InputName);
        insert.Parameters.AddWithValue("$inputPath", batch.InputPath);
        insert.Parameters.AddWithValue("$uploaded", batch.IsUploaded ? 1 : 0);
        insert.Parameters.AddWithValue("$state", StateName(batch.State));
        insert.Parameters.AddWithValue("$submitted", EmbeddedTimestamps.Format(batch.SubmittedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Batch?> FindAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FindAsync(connection, null, batchId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Batch>> ListAsync(string modelName, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await QueryAsync(
            $"SELECT {Columns} FROM batches WHERE model_name = $model ORDER BY submitted_at DESC, batch_id DESC LIMIT $limit",
            command =>
            {
                command.Parameters.AddWithValue("$model", modelName);
                command.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Batch>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM batches WHERE state IN ('queued', 'running') ORDER BY submitted_at, batch_id", _ => { }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Batch>> ListExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM batches WHERE expires_at IS NOT NULL AND expires_at <= $now ORDER BY expires_at",
            command => command.Parameters.AddWithValue("$now", EmbeddedTimestamps.Format(now)),
            cancellationToken);

    /// <inheritdoc />
    public Task<Batch?> StartAsync(Guid batchId, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        UpdateAsync(
            batchId,
            "UPDATE batches SET state = 'running', started_at = coalesce(started_at, $now) WHERE batch_id = $id AND state IN ('queued', 'running')",
            command => command.Parameters.AddWithValue("$now", EmbeddedTimestamps.Format(startedAt)),
            cancellationToken);

    /// <inheritdoc />
    public Task<Batch?> CheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteCheckpointAsync(batchId, checkpoint, finish: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Batch?> FinishReadingAsync(Guid batchId, BatchCheckpoint checkpoint, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteCheckpointAsync(batchId, checkpoint, (now, retention), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> AddChunkAsync(Guid batchId, ChunkResults results, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await FindAsync(connection, transaction, batchId, cancellationToken) is null)
            return false;

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO batch_chunks (batch_id, chunk_index, row_count, results) VALUES ($id, $chunk, $rows, $results) ON CONFLICT DO NOTHING";
        insert.Parameters.AddWithValue("$id", Key(batchId));
        insert.Parameters.AddWithValue("$chunk", results.ChunkIndex);
        insert.Parameters.AddWithValue("$rows", results.RowNumbers.Length);
        insert.Parameters.AddWithValue("$results", JsonSerializer.SerializeToUtf8Bytes(results, Json));
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            return false;

        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "UPDATE batches SET rows_scored = rows_scored + $rows, chunks_scored = chunks_scored + 1 WHERE batch_id = $id";
        count.Parameters.AddWithValue("$id", Key(batchId));
        count.Parameters.AddWithValue("$rows", results.RowNumbers.Length);
        await count.ExecuteNonQueryAsync(cancellationToken);
        await CompleteIfDoneAsync(connection, transaction, batchId, now, retention, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task FailAsync(Guid batchId, string reason, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await UpdateAsync(
            batchId,
            "UPDATE batches SET state = 'failed', error = $error, finished_at = $now, expires_at = $expires WHERE batch_id = $id AND state IN ('queued', 'running')",
            command =>
            {
                command.Parameters.AddWithValue("$error", reason);
                command.Parameters.AddWithValue("$now", EmbeddedTimestamps.Format(now));
                command.Parameters.AddWithValue("$expires", EmbeddedTimestamps.Format(now + retention));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChunkResults> ReadResultsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT results FROM batch_chunks WHERE batch_id = $id ORDER BY chunk_index";
        select.Parameters.AddWithValue("$id", Key(batchId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var blob = reader.GetStream(0);
            yield return await JsonSerializer.DeserializeAsync<ChunkResults>(blob, Json, cancellationToken)
                ?? throw new InvalidDataException($"Batch {batchId} has an empty chunk in the store.");
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<InvalidRow> ReadInvalidRowsAsync(Guid batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT row_number, errors FROM batch_invalid_rows WHERE batch_id = $id ORDER BY row_number";
        select.Parameters.AddWithValue("$id", Key(batchId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var errors = JsonSerializer.Deserialize<FieldError[]>(reader.GetString(1), Json) ?? [];
            yield return new InvalidRow(reader.GetInt64(0), errors);
        }
    }

    /// <inheritdoc />
    public async Task<Batch?> DeleteAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var batch = await FindAsync(connection, transaction, batchId, cancellationToken);
        if (batch is null)
            return null;

        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM batch_chunks WHERE batch_id = $id;
            DELETE FROM batch_invalid_rows WHERE batch_id = $id;
            DELETE FROM batches WHERE batch_id = $id;
            """;
        delete.Parameters.AddWithValue("$id", Key(batchId));
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch;
    }

    /// <summary>Closes the pooled connections to the database file.</summary>
    public void Dispose() => database.Dispose();

    private async Task<Batch?> WriteCheckpointAsync(Guid batchId, BatchCheckpoint checkpoint, (DateTimeOffset Now, TimeSpan Retention)? finish, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await FindAsync(connection, transaction, batchId, cancellationToken) is null)
            return null;

        if (checkpoint.InvalidRows.Count > 0)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO batch_invalid_rows (batch_id, row_number, errors) VALUES ($id, $row, $errors) ON CONFLICT DO NOTHING";
            insert.Parameters.AddWithValue("$id", Key(batchId));
            var row = insert.Parameters.Add("$row", SqliteType.Integer);
            var errors = insert.Parameters.Add("$errors", SqliteType.Text);
            foreach (var invalid in checkpoint.InvalidRows)
            {
                row.Value = invalid.RowNumber;
                errors.Value = JsonSerializer.Serialize(invalid.Errors, Json);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE batches SET
                chunks_published = max(chunks_published, $chunks),
                rows_read = max(rows_read, $read),
                rows_invalid = max(rows_invalid, $invalid),
                estimated_rows = coalesce($estimated, estimated_rows),
                total_chunks = CASE WHEN $finished THEN max(chunks_published, $chunks) ELSE total_chunks END
            WHERE batch_id = $id
            """;
        update.Parameters.AddWithValue("$id", Key(batchId));
        update.Parameters.AddWithValue("$chunks", checkpoint.ChunksPublished);
        update.Parameters.AddWithValue("$read", checkpoint.RowsRead);
        update.Parameters.AddWithValue("$invalid", checkpoint.RowsInvalid);
        update.Parameters.AddWithValue("$estimated", (object?)checkpoint.EstimatedRows ?? DBNull.Value);
        update.Parameters.AddWithValue("$finished", finish is not null);
        await update.ExecuteNonQueryAsync(cancellationToken);

        if (finish is { } done)
            await CompleteIfDoneAsync(connection, transaction, batchId, done.Now, done.Retention, cancellationToken);
        var batch = await FindAsync(connection, transaction, batchId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch;
    }

    private static async Task CompleteIfDoneAsync(
        SqliteConnection connection, SqliteTransaction transaction, Guid batchId, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var complete = connection.CreateCommand();
        complete.Transaction = transaction;
        complete.CommandText = """
            UPDATE batches SET state = 'completed', finished_at = $now, expires_at = $expires
            WHERE batch_id = $id AND state IN ('queued', 'running') AND total_chunks IS NOT NULL AND chunks_scored >= total_chunks
            """;
        complete.Parameters.AddWithValue("$id", Key(batchId));
        complete.Parameters.AddWithValue("$now", EmbeddedTimestamps.Format(now));
        complete.Parameters.AddWithValue("$expires", EmbeddedTimestamps.Format(now + retention));
        await complete.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Batch?> UpdateAsync(Guid batchId, string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = sql;
        update.Parameters.AddWithValue("$id", Key(batchId));
        bind(update);
        await update.ExecuteNonQueryAsync(cancellationToken);
        var batch = await FindAsync(connection, transaction, batchId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(Schema, cancellationToken);

    private static async Task<Batch?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, Guid batchId, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"SELECT {Columns} FROM batches WHERE batch_id = $id";
        select.Parameters.AddWithValue("$id", Key(batchId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private async Task<IReadOnlyList<Batch>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = sql;
        bind(select);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var batches = new List<Batch>();
        while (await reader.ReadAsync(cancellationToken))
            batches.Add(Read(reader));
        return batches;
    }

    private static Batch Read(SqliteDataReader row) => new(
        Guid.Parse(row.GetString(0)),
        row.GetString(1),
        row.GetString(2),
        row.GetString(3),
        BatchFormats.FromName(row.GetString(4)) ?? throw new InvalidDataException($"Unknown batch format '{row.GetString(4)}' in the store."),
        row.GetString(5),
        row.GetString(6),
        row.GetInt64(7) != 0,
        Enum.Parse<BatchState>(row.GetString(8), ignoreCase: true),
        EmbeddedTimestamps.Parse(row.GetString(9)),
        OptionalTime(row, 10),
        OptionalTime(row, 11),
        OptionalTime(row, 12),
        row.GetInt64(13),
        row.GetInt64(14),
        row.GetInt64(15),
        row.IsDBNull(16) ? null : row.GetInt64(16),
        row.GetInt32(17),
        row.GetInt32(18),
        row.IsDBNull(19) ? null : row.GetInt32(19),
        row.IsDBNull(20) ? null : row.GetString(20));

    private static DateTimeOffset? OptionalTime(SqliteDataReader row, int column) =>
        row.IsDBNull(column) ? null : EmbeddedTimestamps.Parse(row.GetString(column));

    private static string StateName(BatchState state) => state.ToString().ToLowerInvariant();

    private static string Key(Guid batchId) => batchId.ToString("D");
}
