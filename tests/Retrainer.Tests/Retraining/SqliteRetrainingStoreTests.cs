using Retrainer.Retraining;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Retraining;

/// <summary>The retraining stores' contract on the embedded SQLite database.</summary>
public sealed class SqliteRetrainingStoreTests : RetrainingStoreContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"retraining-{Guid.NewGuid():N}.db");
    private readonly List<IDisposable> _stores = [];

    protected override ILabelledRowStore CreateRowStore(TimeProvider time)
    {
        var store = new SqliteLabelledRowStore(new EmbeddedDatabase(_file), time);
        _stores.Add(store);
        return store;
    }

    protected override IRetrainingJobStore CreateJobStore()
    {
        var store = new SqliteRetrainingJobStore(new EmbeddedDatabase(_file));
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }
}
