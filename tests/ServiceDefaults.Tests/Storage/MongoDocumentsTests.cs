using ServiceDefaults.Storage.Documents;
using TestSupport;

namespace ServiceDefaults.Tests.Storage;

/// <summary>The document store contract on MongoDB (skipped with the reason where <c>MONGODB_URI</c> is not set).</summary>
public sealed class MongoDocumentsTests : DocumentsContract, IDisposable
{
    private readonly List<MongoDocuments<Item>> _collections = [];
    private MongoDbTestDatabase? _database;

    protected override IDocuments<Item> Open()
    {
        _database ??= MongoDbTestDatabase.Open("documents");
        var collection = new MongoDocuments<Item>(_database.Database, Items);
        _collections.Add(collection);
        return collection;
    }

    public void Dispose()
    {
        foreach (var collection in _collections)
            collection.Dispose();
        _database?.Dispose();
    }
}
