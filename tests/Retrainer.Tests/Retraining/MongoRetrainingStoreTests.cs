using Retrainer.Retraining;
using TestSupport;

namespace Retrainer.Tests.Retraining;

/// <summary>The retraining stores' contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class MongoRetrainingStoreTests : RetrainingStoreContract, IDisposable
{
    private readonly List<IDisposable> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("retraining");

    protected override ILabelledRowStore CreateRowStore(TimeProvider time)
    {
        var store = new MongoLabelledRowStore(Server.Database, time, TimeSpan.FromDays(90));
        _stores.Add(store);
        return store;
    }

    protected override IRetrainingJobStore CreateJobStore()
    {
        var store = new MongoRetrainingJobStore(Server.Database);
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }
}
