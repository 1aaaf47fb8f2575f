using System.Reflection;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Storage;

/// <summary>
/// One service's SQLite database file in the embedded store: created (with its folder) on first use, write-ahead
/// logging (readers do not block the writer; a crash never leaves a half-written transaction), a busy timeout instead
/// of immediate "database is locked" errors, pooled connections, and the service's one-time upgrade scripts applied
/// before first use. A collection opens a connection per operation; <see cref="Dispose"/> closes the pooled ones.
/// </summary>
/// <remarks>Microsoft.Data.Sqlite runs its async methods synchronously (SQLite has no asynchronous I/O).</remarks>
public sealed class EmbeddedDatabase : IDocumentDatabase, IDisposable
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly IReadOnlyList<string> _upgrades;
    private Task? _initialization;

    /// <summary>
    /// The database file at <paramref name="path"/>, created on first use. <paramref name="upgrades"/>: SQL scripts that bring a
    /// file of an earlier version to today's layout, in order; each runs once per file (its <c>user_version</c> counts them),
    /// in its own transaction, before first use.
    /// </summary>
    public EmbeddedDatabase(string path, IReadOnlyList<string>? upgrades = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _upgrades = upgrades ?? [];
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Seconds Microsoft.Data.Sqlite keeps retrying a command that finds the database busy.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The upgrade scripts embedded in <paramref name="assembly"/> (resources named <c>upgrades/NNN-….sql</c>), in name order.</summary>
    public static IReadOnlyList<string> UpgradesIn(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("upgrades/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new StreamReader(assembly.GetManifestResourceStream(name)!).ReadToEnd())];
    }

    public IDocuments<T> Collection<T>(DocumentSchema<T> schema) => new SqliteDocuments<T>(this, schema);

    /// <summary>An open connection with the store's settings; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        // Once per database object, retried after a failure; two first callers may both run it (each step is idempotent).
        if (_initialization is not { IsFaulted: false, IsCanceled: false })
            _initialization = InitializeAsync();
        await _initialization.WaitAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    // journal_mode is a property of the file (set once, kept across restarts); synchronous=NORMAL in WAL mode survives a
    // crash of the process, and a power loss may lose the last transactions but never corrupts the file.
    private async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;", CancellationToken.None);
        for (var i = 0; i < _upgrades.Count; i++)
        {
            // BEGIN IMMEDIATE: a second connection (or process) opening the file waits, then finds the script applied.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var version = connection.CreateCommand();
            version.CommandText = "PRAGMA user_version";
            version.Transaction = transaction;
            if ((long)(await version.ExecuteScalarAsync())! <= i)
                await ExecuteAsync(connection, $"{_upgrades[i]};\nPRAGMA user_version = {i + 1};", CancellationToken.None, transaction);
            await transaction.CommitAsync();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
