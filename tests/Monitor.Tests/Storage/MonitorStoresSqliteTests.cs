using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests.Storage;

/// <summary>Monitor's stores on the embedded store (a SQLite file in a temporary data folder, with Monitor's upgrade scripts), and its file.</summary>
public sealed class MonitorStoresSqliteTests : MonitorStoresContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"monitoring-store-{Guid.NewGuid():N}") };
    private readonly List<EmbeddedDatabase> _databases = [];

    private string DatabasePath => _storage.DatabasePathOf(MonitorService.StoreName);

    protected override IDocumentDatabase CreateDatabase()
    {
        var database = new EmbeddedDatabase(DatabasePath, EmbeddedDatabase.UpgradesIn(typeof(MonitorService).Assembly));
        _databases.Add(database);
        return database;
    }

    protected override IDocumentDatabase Reopen(IDocumentDatabase database)
    {
        // Closes every connection to the file, so the new database reads what reached the file, nothing cached.
        ((EmbeddedDatabase)database).Dispose();
        return CreateDatabase();
    }

    [Fact]
    public async Task The_store_is_monitor_db_in_the_data_folder_in_write_ahead_log_mode()
    {
        var store = CreateStore();
        Assert.False(File.Exists(DatabasePath));

        await store.Buckets.SaveAsync(SampleMonitoring.Bucket(0), CancellationToken.None);

        Assert.Equal(Path.Combine(_storage.DataFolder, "monitor.db"), DatabasePath);
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM buckets"));
    }

    [Fact]
    public async Task Opening_a_store_on_an_existing_file_keeps_its_data()
    {
        // The schema is idempotent: a second database object (a restart) runs it again on the filled file.
        await CreateStore().Buckets.SaveAsync(SampleMonitoring.Bucket(0), CancellationToken.None);
        var second = CreateStore();

        await second.Buckets.SaveAsync(SampleMonitoring.Bucket(1), CancellationToken.None);

        Assert.Equal(2, (await second.Buckets.ListAsync("flight-delay", "1", SampleMonitoring.Start, SampleMonitoring.Start.AddHours(1), CancellationToken.None)).Count);
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
