using Retrainer.Rollouts;
using TestSupport;

namespace Retrainer.Tests.Rollouts;

/// <summary>The rollout store contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class MongoRolloutStoreTests : RolloutStoreContract, IDisposable
{
    private readonly List<MongoRolloutStore> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("rollouts");

    protected override IRolloutStore CreateStore()
    {
        var store = new MongoRolloutStore(Server.Database);
        _stores.Add(store);
        return store;
    }

    protected override IRolloutStore Reopen(IRolloutStore store) => CreateStore();

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }
}
