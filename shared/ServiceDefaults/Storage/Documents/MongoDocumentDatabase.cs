using MongoDB.Driver;

namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A service's MongoDB database as a document database: one database per service, named after it, on the process's one
/// client (the driver pools connections per client). Majority write concern, journaled (an acknowledged write survives the
/// loss of the primary), and majority reads (a read never returns a write that could be rolled back).
/// </summary>
public sealed class MongoDocumentDatabase(IMongoDatabase database) : IDocumentDatabase
{
    /// <summary>The name under <c>ConnectionStrings</c> of the MongoDB server: <c>ConnectionStrings:MongoDb</c>.</summary>
    public const string ConnectionStringName = "MongoDb";

    /// <summary>The database of <paramref name="service"/> (its store name, e.g. <c>feedbackcollector</c>) on <paramref name="client"/>.</summary>
    public MongoDocumentDatabase(IMongoClient client, string service)
        : this((client ?? throw new ArgumentNullException(nameof(client))).GetDatabase(StoreNames.Checked(service),
            new MongoDatabaseSettings { WriteConcern = WriteConcern.WMajority.With(journal: true), ReadConcern = ReadConcern.Majority }))
    {
    }

    /// <summary>The database itself (the registry keeps model files in its GridFS).</summary>
    public IMongoDatabase Database => database;

    public IDocuments<T> Collection<T>(DocumentSchema<T> schema) => new MongoDocuments<T>(database, schema);
}
