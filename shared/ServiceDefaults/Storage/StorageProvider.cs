namespace ServiceDefaults.Storage;

/// <summary>The stores a service can keep its data in (<see cref="StorageOptions.Provider"/>).</summary>
public enum StorageProvider
{
    /// <summary>SQLite files under <see cref="StorageOptions.DataFolder"/>: durable, nothing to install.</summary>
    Embedded,

    /// <summary>
    /// MongoDB, one database per service (named after the service, e.g. <c>feedbackcollector</c>), for the
    /// distributed deployment; the server is <see cref="StorageOptions.MongoDbConnectionString"/>.
    /// </summary>
    MongoDb,
}
