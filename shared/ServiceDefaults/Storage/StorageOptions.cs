using MongoDB.Driver;
using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Storage;

/// <summary>
/// Where services keep their data (section <c>Storage</c>): <c>Storage__Provider</c> (<c>Embedded</c>: SQLite files under
/// <c>Storage__DataFolder</c>, default <c>.data/store</c>; or <c>MongoDb</c>: a database per service on <c>ConnectionStrings__MongoDb</c>).
/// </summary>
public sealed class StorageOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>The store. Env: <c>Storage__Provider</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Embedded;

    /// <summary>The embedded store's folder, one database file per service, relative to the working directory. Env: <c>Storage__DataFolder</c>.</summary>
    public string DataFolder { get; set; } = Path.Combine(".data", "store");

    /// <summary>The MongoDB server, e.g. <c>mongodb://mongodb:27017/?replicaSet=rs0</c> (a database named in it is ignored). Env: <c>ConnectionStrings__MongoDb</c>.</summary>
    public string? MongoDbConnectionString { get; set; }

    /// <summary>The full path of a service's embedded database file, e.g. <c>/app/.data/store/feedbackcollector.db</c>.</summary>
    public string DatabasePathOf(string service) => Path.GetFullPath(Path.Combine(DataFolder, StoreNames.Checked(service) + ".db"));

    public IEnumerable<string> Errors()
    {
        if (string.IsNullOrWhiteSpace(DataFolder))
            yield return $"{SectionName}:DataFolder must name a folder (the default is .data/store).";
        else if (DataFolder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            yield return $"{SectionName}:DataFolder '{DataFolder}' is not a valid path.";
        if (Provider != StorageProvider.MongoDb)
            yield break;

        const string Key = "ConnectionStrings:" + MongoDocumentDatabase.ConnectionStringName;
        if (string.IsNullOrWhiteSpace(MongoDbConnectionString))
        {
            yield return $"{SectionName}:Provider is MongoDb but {Key} (env ConnectionStrings__{MongoDocumentDatabase.ConnectionStringName}) is not set: " +
                "give the server, e.g. mongodb://mongodb:27017/?replicaSet=rs0.";
        }
        else if (MongoDbConnectionError(MongoDbConnectionString) is { } reason)
        {
            yield return $"{Key} is not a MongoDB connection string: {reason}";
        }
    }

    // The driver's message explains what is wrong, but may quote the string, which may hold a password.
    private static string? MongoDbConnectionError(string connectionString)
    {
        try
        {
            _ = MongoUrl.Create(connectionString);
            return null;
        }
        catch (MongoConfigurationException exception)
        {
            return exception.Message.Replace(connectionString, "<the connection string>", StringComparison.Ordinal);
        }
    }
}

/// <summary>The stores a service can keep its data in (<see cref="StorageOptions.Provider"/>).</summary>
public enum StorageProvider
{
    /// <summary>SQLite files under <see cref="StorageOptions.DataFolder"/>: durable, nothing to install.</summary>
    Embedded,

    /// <summary>MongoDB, one database per service (named after the service), for the distributed deployment.</summary>
    MongoDb,
}
