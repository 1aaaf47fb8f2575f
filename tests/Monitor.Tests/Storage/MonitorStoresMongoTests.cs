using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests.Storage;

/// <summary>
/// Monitor's stores on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names; skipped with
/// the reason where it is not set).
/// </summary>
public sealed class MonitorStoresMongoTests : MonitorStoresContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("monitor");

    protected override IDocumentDatabase CreateDatabase() => new MongoDocumentDatabase(Server.Database);

    // A new database object on the same database: nothing comes from the first one's memory.
    protected override IDocumentDatabase Reopen(IDocumentDatabase database) => CreateDatabase();

    public void Dispose() => _database?.Dispose();
}
