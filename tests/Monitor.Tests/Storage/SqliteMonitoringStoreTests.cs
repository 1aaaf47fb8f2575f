using Microsoft.Data.Sqlite;
using Monitor.Storage;
using ServiceDefaults.Storage;

namespace Monitor.Tests.Storage;

/// <summary>The monitoring store contract on the embedded store (a SQLite file in a temporary data folder), its file and its query plans.</summary>
public sealed class SqliteMonitoringStoreTests : MonitoringStoreContract, IDisposable
{
    private const string Time = "2026-11-23T10:00:00.0000000Z";

    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"monitoring-store-{Guid.NewGuid():N}") };
    private readonly List<SqliteMonitoringStore> _stores = [];

    private string DatabasePath => _storage.DatabasePathOf(MonitoringStoreExtensions.StoreName);

    protected override IMonitoringStore CreateStore()
    {
        var store = new SqliteMonitoringStore(EmbeddedDatabase.ForService(_storage, MonitoringStoreExtensions.StoreName));
        _stores.Add(store);
        return store;
    }

    protected override IMonitoringStore Reopen(IMonitoringStore store)
    {
        // Closes every connection to the file, so the new store reads what reached the file, nothing cached.
        ((SqliteMonitoringStore)store).Dispose();
        return CreateStore();
    }

    [Fact]
    public async Task The_store_is_monitor_db_in_the_data_folder_in_write_ahead_log_mode()
    {
        var store = CreateStore();
        Assert.False(File.Exists(DatabasePath));

        await store.SaveBucketAsync(SampleMonitoring.Bucket(0), CancellationToken.None);

        Assert.Equal(Path.Combine(_storage.DataFolder, "monitor.db"), DatabasePath);
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM buckets"));
    }

    [Fact]
    public async Task Opening_a_store_on_an_existing_file_keeps_its_data()
    {
        // The schema is idempotent: a second store object (a restart) runs it again on the filled file.
        await CreateStore().SaveBucketAsync(SampleMonitoring.Bucket(0), CancellationToken.None);
        var second = new SqliteMonitoringStore(new EmbeddedDatabase(DatabasePath));
        _stores.Add(second);

        await second.SaveBucketAsync(SampleMonitoring.Bucket(1), CancellationToken.None);

        Assert.Equal(2, (await second.ListBucketsAsync("flight-delay", "1", SampleMonitoring.Start, SampleMonitoring.Start.AddHours(1), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_bucket_range_reads_its_index_in_order()
    {
        var plan = await PlanAsync(SqliteMonitoringStore.ListBucketsSql, ("$model", "flight-delay"), ("$version", "1"), ("$from", Time), ("$before", Time));

        Assert.Contains(plan, step => step.StartsWith("SEARCH buckets USING INDEX " + SqliteMonitoringStore.BucketsByVersionIndex, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_versions_listing_reads_only_the_covering_index()
    {
        // Not the table: its rows hold the aggregates.
        var plan = await PlanAsync(SqliteMonitoringStore.ListVersionsSql);

        Assert.Contains(plan, step => step.Contains("USING COVERING INDEX " + SqliteMonitoringStore.BucketsByVersionIndex, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_retention_delete_searches_the_end_index()
    {
        var plan = await PlanAsync(SqliteMonitoringStore.DeleteBucketsSql, ("$cutoff", Time));

        Assert.Contains(plan, step => step.StartsWith("SEARCH buckets USING INDEX " + SqliteMonitoringStore.BucketsByEndIndex, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, null, false, SqliteMonitoringStore.AlertsByDetectionIndex)]
    [InlineData(null, null, null, true, SqliteMonitoringStore.AlertsByDetectionIndex)]
    [InlineData("flight-delay", null, null, false, SqliteMonitoringStore.AlertsByModelIndex)]
    [InlineData("flight-delay", null, null, true, SqliteMonitoringStore.AlertsByModelIndex)]
    [InlineData("flight-delay", "1", null, false, SqliteMonitoringStore.AlertsByVersionIndex)]
    [InlineData("flight-delay", "1", "drift", true, SqliteMonitoringStore.AlertsByVersionIndex)]
    [InlineData(null, null, "drift", false, SqliteMonitoringStore.AlertsByKindIndex)]
    [InlineData(null, null, "drift", true, SqliteMonitoringStore.AlertsByKindIndex)]
    [InlineData("flight-delay", null, "drift", false, null)]
    [InlineData(null, "1", null, false, null)]
    public async Task Every_alert_listing_reads_an_index_in_order_and_sorts_nothing(string? model, string? version, string? kind, bool since, string? index)
    {
        var query = new AlertQuery(model, version, kind, since ? SampleMonitoring.Start : null, Limit: 10);
        await using var connection = await OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteMonitoringStore.ListAlertsSql(query);
        SqliteMonitoringStore.AddAlertParameters(explain.Parameters, query);

        var plan = await ReadPlanAsync(explain);

        Assert.Contains(plan, step => step.Contains("USING INDEX " + (index ?? "alerts_by_"), StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    // The plan of a statement on a file that the store has created (with its schema and a little data).
    private async Task<List<string>> PlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var store = CreateStore();
        await store.SaveBucketAsync(SampleMonitoring.Bucket(0), CancellationToken.None);
        await store.AddAlertAsync(SampleMonitoring.Alert(0), CancellationToken.None);
        await using var connection = await OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
            explain.Parameters.AddWithValue(name, value);
        return await ReadPlanAsync(explain);
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        if (!File.Exists(DatabasePath))
        {
            var store = CreateStore();
            await store.AddAlertAsync(SampleMonitoring.Alert(0), CancellationToken.None);
        }

        // Not pooled, so the test's own connection leaves nothing open on the file.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<string>> ReadPlanAsync(SqliteCommand explain)
    {
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            plan.Add(reader.GetString(3));
        return plan;
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
