using FeatureBuilder.Batches;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace FeatureBuilder.Tests.Batches;

/// <summary>The batch store contract on the embedded store (a SQLite file of the test's own).</summary>
public sealed class BatchStoreSqliteTests : BatchStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"batch-store-{Guid.NewGuid():N}");
    private readonly List<EmbeddedDatabase> _databases = [];

    protected override IDocumentDatabase OpenDatabase()
    {
        var database = new EmbeddedDatabase(Path.Combine(_folder, $"{FeatureBuilderService.StoreName}.db"));
        _databases.Add(database);
        return database;
    }

    protected override BatchStore Reopen(BatchStore store)
    {
        foreach (var database in _databases)
            database.Dispose();
        _databases.Clear();
        return CreateStore();
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
