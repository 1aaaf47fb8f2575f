using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>
/// Where and how services keep their data. Bound from the <c>Storage</c> section and validated at start-up
/// (see <see cref="Errors"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>key</term><description>environment variable (default)</description></listheader>
/// <item><term><c>Storage:Provider</c></term><description><c>Storage__Provider</c> (<c>Embedded</c>)</description></item>
/// <item><term><c>Storage:DataFolder</c></term><description><c>Storage__DataFolder</c> (<c>.data/store</c>)</description></item>
/// <item><term><c>ConnectionStrings:MongoDb</c></term><description><c>ConnectionStrings__MongoDb</c> (none; required with <c>MongoDb</c>)</description></item>
/// </list>
/// </remarks>
public sealed class StorageOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// The store: <see cref="StorageProvider.Embedded"/> (SQLite files under <see cref="DataFolder"/>, the
    /// default) or <see cref="StorageProvider.MongoDb"/> (one database per service on the server
    /// <see cref="MongoDbConnectionString"/> names). Env: <c>Storage__Provider</c>.
    /// </summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Embedded;

    /// <summary>
    /// The folder of the embedded store, one database file per service (e.g. <c>feedbackcollector.db</c>).
    /// A relative path is relative to the service's working directory. Env: <c>Storage__DataFolder</c>.
    /// </summary>
    public string DataFolder { get; set; } = Path.Combine(".data", "store");

    /// <summary>
    /// The MongoDB server (or replica set) when <see cref="Provider"/> is <see cref="StorageProvider.MongoDb"/>,
    /// e.g. <c>mongodb://mongodb:27017/?replicaSet=rs0</c>. Read from <c>ConnectionStrings:MongoDb</c>
    /// (env <c>ConnectionStrings__MongoDb</c>), where .NET keeps connection strings, not from the
    /// <c>Storage</c> section. A database named in the string is ignored: each service uses its own
    /// (<see cref="MongoStore.DatabaseOf"/>).
    /// </summary>
    public string? MongoDbConnectionString { get; set; }

    /// <summary>
    /// The full path of a service's embedded database file, e.g. <c>/app/.data/store/feedbackcollector.db</c>
    /// for <c>feedbackcollector</c>.
    /// </summary>
    /// <param name="service">The service's store name: lower-case letters, digits and dashes.</param>
    /// <exception cref="ArgumentException">When <paramref name="service"/> is not such a name.</exception>
    public string DatabasePathOf(string service)
    {
        StoreNames.ThrowIfInvalid(service);
        return Path.GetFullPath(Path.Combine(DataFolder, service + ".db"));
    }

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (!Enum.IsDefined(Provider))
            yield return $"{SectionName}:Provider must be Embedded or MongoDb, not {Provider}.";
        if (string.IsNullOrWhiteSpace(DataFolder))
            yield return $"{SectionName}:DataFolder must name a folder (the default is .data/store).";
        else if (DataFolder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            yield return $"{SectionName}:DataFolder '{DataFolder}' is not a valid path.";
        if (Provider != StorageProvider.MongoDb)
            yield break;

        const string Key = "ConnectionStrings:" + MongoStore.ConnectionStringName;
        if (string.IsNullOrWhiteSpace(MongoDbConnectionString))
        {
            yield return $"{SectionName}:Provider is MongoDb but {Key} (env ConnectionStrings__{MongoStore.ConnectionStringName}) is not set: " +
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
