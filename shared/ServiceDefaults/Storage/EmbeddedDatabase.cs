using Microsoft.Data.Sqlite;

namespace ServiceDefaults.Storage;

/// <summary>
/// One service's SQLite database file in the embedded store: created (with its folder) on first use,
/// write-ahead logging (readers do not block the writer, and a crash never leaves a half-written
/// transaction), a busy timeout instead of immediate "database is locked" errors, and pooled connections.
/// A store opens a connection per operation and disposes it; <see cref="Dispose"/> closes the pooled ones.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite runs its async methods synchronously (SQLite has no asynchronous I/O), so the
/// <c>Async</c> methods here and in the stores exist for the store interfaces, whose other implementations
/// (MongoDB) are truly asynchronous.
/// </remarks>
public sealed class EmbeddedDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly HashSet<string> _appliedSchemas = new(StringComparer.Ordinal);
    private volatile bool _isInitialized;

    /// <summary>A database at <paramref name="path"/>; nothing is created until the first <see cref="OpenAsync(CancellationToken)"/>.</summary>
    public EmbeddedDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Seconds Microsoft.Data.Sqlite keeps retrying a command that finds the database busy.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The database of <paramref name="service"/> in the store <paramref name="options"/> describe.</summary>
    /// <param name="options">The validated storage settings.</param>
    /// <param name="service">The service's store name, e.g. <c>feedbackcollector</c> (see <see cref="StorageOptions.DatabasePathOf"/>).</param>
    public static EmbeddedDatabase ForService(StorageOptions options, string service)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EmbeddedDatabase(options.DatabasePathOf(service));
    }

    /// <summary>An open connection with the store's settings; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_isInitialized)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var settings = connection.CreateCommand();
            // journal_mode is a property of the file (set once, kept across restarts); synchronous is per
            // connection. synchronous=NORMAL in WAL mode survives a crash of the process; a power loss may
            // lose the last transactions but never corrupts the file.
            settings.CommandText = _isInitialized
                ? "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;"
                : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
            await settings.ExecuteNonQueryAsync(cancellationToken);
            _isInitialized = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An open connection, after running <paramref name="schema"/> (idempotent DDL: <c>CREATE TABLE IF NOT
    /// EXISTS …</c>) once for this database object. A store passes its schema on every call; only the first
    /// successful call runs it, and a failed attempt (a full disk, a locked file) is retried by the next call.
    /// </summary>
    public async Task<SqliteConnection> OpenAsync(string schema, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        var connection = await OpenAsync(cancellationToken);
        try
        {
            if (!HasApplied(schema))
                await ApplyAsync(connection, schema, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private bool HasApplied(string schema)
    {
        lock (_appliedSchemas)
            return _appliedSchemas.Contains(schema);
    }

    private async Task ApplyAsync(SqliteConnection connection, string schema, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (HasApplied(schema))
                return;
            await using var command = connection.CreateCommand();
            command.CommandText = schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            lock (_appliedSchemas)
                _appliedSchemas.Add(schema);
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Closes the idle pooled connections to the file (the last one to close checkpoints the write-ahead log).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }
}
