using Retrainer.Rollouts;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Rollouts;

/// <summary>The rollout store contract on the embedded SQLite database.</summary>
public sealed class SqliteRolloutStoreTests : RolloutStoreContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"rollouts-{Guid.NewGuid():N}.db");
    private readonly List<SqliteRolloutStore> _stores = [];

    protected override IRolloutStore CreateStore()
    {
        var store = new SqliteRolloutStore(new EmbeddedDatabase(_file));
        _stores.Add(store);
        return store;
    }

    protected override IRolloutStore Reopen(IRolloutStore store) => CreateStore();

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }
}
