namespace ServiceDefaults.Storage;

/// <summary>The stores a service can keep its data in (<see cref="StorageOptions.Provider"/>).</summary>
public enum StorageProvider
{
    /// <summary>SQLite files under <see cref="StorageOptions.DataFolder"/>: durable, nothing to install.</summary>
    Embedded,

    /// <summary>
    /// MongoDB, one database per service, for the distributed deployment. Not available yet: a service
    /// configured with it refuses to start (see <see cref="StorageOptionsValidator"/>).
    /// </summary>
    MongoDb,
}
