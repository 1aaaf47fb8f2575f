using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>
/// The MongoDB store: one client for the process (the driver pools connections per client, so there must be
/// one) and one database per service, named after the service (<c>feedbackcollector</c>, <c>retrainer</c>, …).
/// </summary>
/// <remarks>
/// Databases come with majority write concern (journaled): an acknowledged write survives the loss of the
/// primary, which is what "accepted data is never lost" needs on a replica set. Reads use majority read
/// concern, so a read never returns a write that could still be rolled back. On a single server both are
/// simply the server's own.
/// </remarks>
public sealed class MongoStore : IDisposable
{
    /// <summary>The name under <c>ConnectionStrings</c> of the MongoDB server: <c>ConnectionStrings:MongoDb</c>.</summary>
    public const string ConnectionStringName = "MongoDb";

    private readonly Lazy<MongoClient> _client;

    /// <summary>A store on the server <paramref name="connectionString"/> names; nothing connects until a database is used.</summary>
    public MongoStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _client = new Lazy<MongoClient>(() => new MongoClient(MongoClientSettings.FromConnectionString(connectionString)));
    }

    /// <summary>The database of <paramref name="service"/>, with majority write and read concern.</summary>
    /// <param name="service">The service's store name, e.g. <c>feedbackcollector</c>: lower-case letters, digits and dashes.</param>
    public IMongoDatabase DatabaseOf(string service)
    {
        StoreNames.ThrowIfInvalid(service);
        return _client.Value.GetDatabase(service, new MongoDatabaseSettings
        {
            WriteConcern = WriteConcern.WMajority.With(journal: true),
            ReadConcern = ReadConcern.Majority,
        });
    }

    /// <summary>Closes the client's connections, if it was ever used.</summary>
    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
