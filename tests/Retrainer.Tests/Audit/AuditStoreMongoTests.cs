using Retrainer.Audit;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Tests.Audit;

/// <summary>The audit store contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class AuditStoreMongoTests : AuditStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    protected override AuditStore CreateStore() =>
        new(new MongoDocumentDatabase((_database ??= MongoDbTestDatabase.Open("audit")).Database));

    protected override AuditStore Reopen(AuditStore store) => CreateStore();

    public void Dispose() => _database?.Dispose();
}
