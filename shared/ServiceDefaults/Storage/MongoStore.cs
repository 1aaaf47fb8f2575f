using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>
/// One MongoDB client for the process (the driver pools connections per client) and a database per service, named after it.
/// Majority write concern, journaled (an acknowledged write survives the loss of the primary), and majority reads (a read
/// never returns a write that could be rolled back).
/// </summary>
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

    /// <summary>The database of <paramref name="service"/> (its store name, e.g. <c>feedbackcollector</c>).</summary>
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
