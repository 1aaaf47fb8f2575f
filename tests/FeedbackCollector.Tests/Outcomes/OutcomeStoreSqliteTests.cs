using FeedbackCollector.Outcomes;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>The outcome store contract on the embedded store (a SQLite file in a temporary data folder), and its query plans.</summary>
public sealed class OutcomeStoreSqliteTests : OutcomeStoreContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"outcome-store-{Guid.NewGuid():N}") };
    private readonly List<EmbeddedDatabase> _databases = [];

    private string DatabasePath => _storage.DatabasePathOf(FeedbackCollectorService.StoreName);

    protected override OutcomeStore CreateStore() => new(OpenDatabase());

    protected override IDocumentDatabase OpenDatabase()
    {
        var database = TestDatabases.Embedded(_storage);
        _databases.Add(database);
        return database;
    }

    protected override OutcomeStore Reopen(OutcomeStore store)
    {
        foreach (var database in _databases)
            database.Dispose();
        _databases.Clear();
        return CreateStore();
    }

    // The SQL SqliteDocuments writes for the store's queries, so the plans read are the ones the store's queries get. A
    // query in an index's order sorts only ties (by key: the table's indexes end in its rowid, not its key); the others
    // sort what they found.
    [Theory]
    [InlineData("SELECT document, revision FROM outcomes WHERE f_state IS $p0 AND f_prediction IN ($p1_0, $p1_1) ORDER BY key", "outcomes_0")]
    [InlineData("SELECT document, revision FROM outcomes WHERE f_state IS $p0 AND f_model IS $p1 AND f_entity IN ($p2_0) AND f_prediction IS $p3 ORDER BY key", "outcomes_1")]
    [InlineData("SELECT document, revision FROM outcomes WHERE f_state IS $p0 AND f_received < $p1 ORDER BY f_received, key LIMIT 500", "outcomes_2")]
    [InlineData("SELECT document, revision FROM outcomes WHERE f_state IS $p0 AND f_published IS $p1 AND f_joined < $p2 ORDER BY f_joined, key LIMIT 10", "outcomes_3")]
    [InlineData("SELECT f_tally, COUNT(*) FROM outcomes GROUP BY f_tally", "outcomes_4")]
    public async Task Each_query_reads_its_index(string sql, string index)
    {
        await CreateStore().AddManyAsync([SampleOutcomes.ForEntity("UA123"), SampleOutcomes.ForPrediction(Guid.CreateVersion7())], CancellationToken.None);

        var plan = Plan(sql);

        Assert.Contains(plan, step => step.StartsWith($"SEARCH outcomes USING INDEX {index} (", StringComparison.Ordinal) || step == $"SCAN outcomes USING COVERING INDEX {index}");
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN outcomes", StringComparison.Ordinal) && !step.Contains("COVERING INDEX", StringComparison.Ordinal));
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
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
            plan.Add(reader.GetString(3));
        return plan;
    }
}
