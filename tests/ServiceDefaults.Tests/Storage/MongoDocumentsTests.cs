using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Tests.Storage;

/// <summary>The document store contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class MongoDocumentsTests : DocumentsContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    protected override IDocuments<Item> Open()
    {
        _database ??= MongoDbTestDatabase.Open("documents");
        return new MongoDocumentDatabase(_database.Database).Collection(Items);
    }

    public void Dispose() => _database?.Dispose();
}
