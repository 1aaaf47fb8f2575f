using FeatureBuilder.Batches;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Tests.Batches;

/// <summary>The batch store contract on the embedded store (a SQLite file in a temporary data folder).</summary>
public sealed class SqliteBatchStoreTests : BatchStoreContract, IDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"batch-store-{Guid.NewGuid():N}") };
    private readonly List<SqliteBatchStore> _stores = [];

    protected override IBatchStore CreateStore()
    {
        var store = new SqliteBatchStore(EmbeddedDatabase.ForService(_storage, FeatureBuilderService.StoreName));
        _stores.Add(store);
        return store;
    }

    protected override IBatchStore Reopen(IBatchStore store)
    {
        ((SqliteBatchStore)store).Dispose();
        return CreateStore();
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }
}
