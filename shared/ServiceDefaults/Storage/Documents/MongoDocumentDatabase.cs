using MongoDB.Driver;

namespace ServiceDefaults.Storage.Documents;

/// <summary>A service's MongoDB database as a document database.</summary>
public sealed class MongoDocumentDatabase(IMongoDatabase database) : IDocumentDatabase
{
    public IDocuments<T> Collection<T>(DocumentSchema<T> schema) => new MongoDocuments<T>(database, schema);
}
