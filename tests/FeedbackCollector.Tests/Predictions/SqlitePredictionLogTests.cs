using FeedbackCollector.Predictions;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>The prediction log contract on the embedded store (a SQLite file in a temporary data folder), and what is particular to it.</summary>
public sealed class SqlitePredictionLogTests : PredictionLogContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"prediction-log-{Guid.NewGuid():N}") };
    private readonly List<SqlitePredictionLog> _logs = [];

    private string DatabasePath => _storage.DatabasePathOf(FeedbackCollectorService.StoreName);

    protected override IPredictionLog CreateLog()
    {
        var log = new SqlitePredictionLog(EmbeddedDatabase.ForService(_storage, FeedbackCollectorService.StoreName));
        _logs.Add(log);
        return log;
    }

    protected override IPredictionLog Reopen(IPredictionLog log)
    {
        // Closes every connection to the file, so the new log reads what reached the file, nothing cached.
        ((SqlitePredictionLog)log).Dispose();
        return CreateLog();
    }

    [Fact]
    public async Task The_log_is_the_service_s_file_in_the_data_folder_in_write_ahead_log_mode()
    {
        var log = CreateLog();
        Assert.False(File.Exists(DatabasePath));

        await log.AddAsync(SamplePredictions.Of("UA123", SamplePredictions.Start), CancellationToken.None);

        Assert.Equal(Path.Combine(_storage.DataFolder, "feedbackcollector.db"), DatabasePath);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM predictions"));
    }

    [Fact]
    public async Task A_log_written_before_shadow_predictions_gains_the_column_and_keeps_its_rows()
    {
        Directory.CreateDirectory(_storage.DataFolder);
        using (var connection = Open())
        using (var create = connection.CreateCommand())
        {
            // The table as the first release created it, with one prediction in it.
            create.CommandText = """
                CREATE TABLE predictions (prediction_id TEXT NOT NULL PRIMARY KEY, model_name TEXT NOT NULL, model_version TEXT NOT NULL,
                    entity_key TEXT, correlation_id TEXT, source TEXT NOT NULL, input TEXT, features TEXT NOT NULL, label TEXT,
                    probability REAL, value REAL, received_at TEXT NOT NULL, predicted_at TEXT NOT NULL, trace_parent TEXT) WITHOUT ROWID;
                INSERT INTO predictions VALUES ('0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e', 'flight-delay', '1', 'UA1', NULL, 'online', NULL, '[1,2]',
                    'late', 0.75, NULL, '2001-02-03T07:45:00.0000000Z', '2001-02-03T07:45:00.0010000Z', NULL);
                """;
            create.ExecuteNonQuery();
        }

        var log = CreateLog();
        var shadow = SamplePredictions.Of("UA1", SamplePredictions.Start) with { Shadow = true };
        await log.AddAsync(shadow, CancellationToken.None);

        var old = await log.FindAsync(Guid.Parse("0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e"), CancellationToken.None);
        Assert.Equal(("1", false), (old!.ModelVersion, old.Shadow));
        Assert.True((await log.FindAsync(shadow.PredictionId, CancellationToken.None))!.Shadow);
    }

    [Fact]
    public async Task The_entity_key_lookup_reads_its_index_without_sorting()
    {
        await CreateLog().AddAsync(SamplePredictions.Of("UA123", SamplePredictions.Start), CancellationToken.None);

        using var connection = Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqlitePredictionLog.FindByEntityKeySql;
        explain.Parameters.AddWithValue("$model", "flight-delay");
        explain.Parameters.AddWithValue("$entity", "UA123");
        explain.Parameters.AddWithValue("$limit", 10);
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
            plan.Add(reader.GetString(3));

        Assert.Contains(plan, step => step.Contains("USING INDEX predictions_by_entity_key", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_newest_per_version_lookup_reads_the_entity_key_index()
    {
        await CreateLog().AddAsync(SamplePredictions.Of("UA123", SamplePredictions.Start), CancellationToken.None);

        using var connection = Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqlitePredictionLog.FindLatestPerVersionSql;
        explain.Parameters.AddWithValue("$model", "flight-delay");
        explain.Parameters.AddWithValue("$entity", "UA123");
        explain.Parameters.AddWithValue("$at", "2001-02-03T07:45:00.0000000Z");
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
            plan.Add(reader.GetString(3));

        Assert.Contains(plan, step => step.Contains("USING INDEX predictions_by_entity_key", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN predictions", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var log in _logs)
            log.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    private object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection Open()
    {
        // Not pooled, so the test's own connection leaves nothing open on the file.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
