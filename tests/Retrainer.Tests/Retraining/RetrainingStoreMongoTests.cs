using Retrainer.Retraining;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Tests.Retraining;

/// <summary>The retraining stores' contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class RetrainingStoreMongoTests : RetrainingStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    protected override LabelledRowStore CreateRowStore(TimeProvider time) => new(Open(), time);

    protected override RetrainingJobStore CreateJobStore() => new(Open());

    public void Dispose() => _database?.Dispose();

    private MongoDocumentDatabase Open() => new((_database ??= MongoDbTestDatabase.Open("retraining")).Database);
}
