using FeedbackCollector.Predictions;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>The prediction log contract on the embedded store (a SQLite file in a temporary data folder), and what is particular to it.</summary>
public sealed class PredictionStoreSqliteTests : PredictionStoreContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"prediction-log-{Guid.NewGuid():N}") };
    private readonly List<EmbeddedDatabase> _databases = [];

    private string DatabasePath => _storage.DatabasePathOf(FeedbackCollectorService.StoreName);

    protected override PredictionStore CreateLog()
    {
        var database = TestDatabases.Embedded(_storage);
        _databases.Add(database);
        return new PredictionStore(database);
    }

    protected override PredictionStore Reopen(PredictionStore log)
    {
        // Closes every connection to the file, so the new log reads what reached the file, nothing cached.
        foreach (var database in _databases)
            database.Dispose();
        _databases.Clear();
        return CreateLog();
    }

    [Fact]
    public async Task The_log_is_the_service_s_file_in_the_data_folder_in_write_ahead_log_mode()
    {
        var log = CreateLog();
        Assert.False(File.Exists(DatabasePath));

        await log.AddManyAsync([SamplePredictions.Of("UA123", SamplePredictions.Start)], CancellationToken.None);

        Assert.Equal(Path.Combine(_storage.DataFolder, "feedbackcollector.db"), DatabasePath);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM predictions"));
    }

    [Fact]
    public async Task A_log_written_before_shadow_predictions_is_upgraded_and_keeps_its_rows()
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
        await log.AddManyAsync([shadow], CancellationToken.None);

        var old = await log.FindAsync(Guid.Parse("0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e"), CancellationToken.None);
        Assert.Equal(("1", false, 0.75f), (old!.ModelVersion, old.Shadow, old.Probability));
        Assert.Equal(SamplePredictions.Start.AddMilliseconds(1), old.PredictedAt);
        Assert.True((await log.FindAsync(shadow.PredictionId, CancellationToken.None))!.Shadow);
        Assert.Equal([old.PredictionId, shadow.PredictionId], (await log.FindByEntityKeyAsync("flight-delay", "UA1", 10, CancellationToken.None)).Select(prediction => prediction.PredictionId));
    }

    // The SQL SqliteDocuments writes for the log's queries, so the plans read are the ones the store's queries get. An
    // index in the order asked leaves nothing to sort (its indexes end with the key, which breaks ties).
    [Theory]
    [InlineData("SELECT document, revision FROM predictions WHERE f_model IS $p0 AND f_entity IS $p1 ORDER BY f_predicted DESC, key DESC LIMIT 10", "predictions_0")]
    [InlineData("SELECT document, revision FROM predictions WHERE f_model IS $p0 AND f_entity IS $p1 AND f_predicted <= $p2 ORDER BY f_predicted DESC, key DESC", "predictions_0")]
    [InlineData("SELECT document, revision FROM predictions WHERE key IN (SELECT value FROM json_each($p0)) ORDER BY key", "sqlite_autoindex_predictions_1")]
    public async Task Each_lookup_reads_its_index_and_sorts_at_most_ties(string sql, string index)
    {
        await CreateLog().AddManyAsync([SamplePredictions.Of("UA123", SamplePredictions.Start)], CancellationToken.None);

        var plan = Plan(sql);

        Assert.Contains(plan, step => step.StartsWith($"SEARCH predictions USING INDEX {index} (", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN predictions", StringComparison.Ordinal)); // a list is read with "SCAN json_each"
        if (sql.Contains("ORDER BY f_", StringComparison.Ordinal))
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    private List<string> Plan(string sql)
    {
        using var connection = Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
            plan.Add(reader.GetString(3));
        return plan;
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
