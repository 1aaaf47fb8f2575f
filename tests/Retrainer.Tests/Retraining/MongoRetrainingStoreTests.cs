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
        // The contract's clocks stand in 2026: a retention of a century keeps the server's TTL monitor (which runs on
        // the real date) from deleting the rows during a test, whatever the date the test runs on.
        var store = new MongoLabelledRowStore(Server.Database, time, TimeSpan.FromDays(36_500));
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
