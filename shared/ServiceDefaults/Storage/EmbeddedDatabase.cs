using Microsoft.Data.Sqlite;

namespace ServiceDefaults.Storage;

/// <summary>
/// One service's SQLite database file in the embedded store: created on first use, write-ahead logging
/// (readers do not block the writer), a busy timeout instead of immediate "database is locked" errors,
/// and pooled connections. Stores open a connection per operation.
/// </summary>
public sealed class EmbeddedDatabase
{
    private readonly string _connectionString;

    /// <summary>A database at <paramref name="path"/>; the folder is created when missing.</summary>
    public EmbeddedDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>An open connection with the store's settings.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var settings = connection.CreateCommand();
        // WAL persists in the file; synchronous=NORMAL is durable across process crashes in WAL mode
        // (a power loss may lose the last transactions, not corrupt the file).
        settings.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
        await settings.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
