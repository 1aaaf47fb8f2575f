using ServiceDefaults.Storage.Documents;
using TestSupport;

namespace FeatureBuilder.Tests.Batches;

/// <summary>
/// The batch store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set).
/// </summary>
public sealed class BatchStoreMongoTests : BatchStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    // A new database object on every call: nothing comes from an earlier store's memory.
    protected override IDocumentDatabase OpenDatabase() =>
        new MongoDocumentDatabase((_database ??= MongoDbTestDatabase.Open("batch-store")).Database);

    public void Dispose() => _database?.Dispose();
}
