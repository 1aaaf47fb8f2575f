using Retrainer.Rollouts;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Tests.Rollouts;

/// <summary>The rollout store contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class RolloutStoreMongoTests : RolloutStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    protected override RolloutStore CreateStore() =>
        new(new MongoDocumentDatabase((_database ??= MongoDbTestDatabase.Open("rollouts")).Database));

    protected override RolloutStore Reopen(RolloutStore store) => CreateStore();

    public void Dispose() => _database?.Dispose();
}
