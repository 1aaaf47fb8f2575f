using FeedbackCollector.Outcomes;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>The outcome store contract on the embedded store (a SQLite file in a temporary data folder), and its query plans.</summary>
public sealed class SqliteOutcomeStoreTests : OutcomeStoreContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"outcome-store-{Guid.NewGuid():N}") };
    private readonly List<SqliteOutcomeStore> _stores = [];

    private string DatabasePath => _storage.DatabasePathOf(FeedbackCollectorService.StoreName);

    protected override IOutcomeStore CreateStore()
    {
        var store = new SqliteOutcomeStore(EmbeddedDatabase.ForService(_storage, FeedbackCollectorService.StoreName));
        _stores.Add(store);
        return store;
    }

    protected override IOutcomeStore Reopen(IOutcomeStore store)
    {
        ((SqliteOutcomeStore)store).Dispose();
        return CreateStore();
    }

    [Theory]
    [InlineData(SqliteOutcomeStore.FindPendingByPredictionIdsSql, "outcomes_pending_by_prediction")]
    [InlineData(SqliteOutcomeStore.FindPendingByEntityKeysSql, "outcomes_pending_by_entity_key")]
    [InlineData(SqliteOutcomeStore.OrphanSql, "outcomes_pending_by_received_at")]
    [InlineData(SqliteOutcomeStore.FindUnpublishedSql, "outcomes_unpublished_by_joined_at")]
    [InlineData(SqliteOutcomeStore.CountSql, "outcomes_by_model_and_state")]
    public async Task Each_query_reads_its_index(string sql, string index)
    {
        await CreateStore().AddManyAsync([SampleOutcomes.ForEntity("UA123"), SampleOutcomes.ForPrediction(Guid.CreateVersion7())], CancellationToken.None);

        var plan = Plan(sql, ("$ids", "[\"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e\"]"), ("$model", "flight-delay"), ("$keys", "[\"UA123\"]"), ("$before", "2001-02-03T00:00:00.0000000Z"), ("$limit", "10"));

        Assert.Contains(plan, step => step.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN outcomes", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    private List<string> Plan(string sql, params (string Name, string Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
                explain.Parameters.AddWithValue(name, value);
        }

        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
            plan.Add(reader.GetString(3));
        return plan;
    }
}
