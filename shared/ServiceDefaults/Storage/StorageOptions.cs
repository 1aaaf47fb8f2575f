namespace ServiceDefaults.Storage;

/// <summary>Where and how services keep their data. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>The store: <see cref="StorageProvider.Embedded"/> (SQLite files, the default). Env: <c>Storage__Provider</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Embedded;

    /// <summary>The folder of the embedded store's files, one database per service. Env: <c>Storage__DataFolder</c>.</summary>
    public string DataFolder { get; set; } = Path.Combine(".data", "store");

    /// <summary>The embedded database file of a service, e.g. <c>.data/store/feedbackcollector.db</c>.</summary>
    public string DatabasePathOf(string service) => Path.Combine(DataFolder, $"{service.ToLowerInvariant()}.db");
}

/// <summary>The store implementations.</summary>
public enum StorageProvider
{
    /// <summary>SQLite files under <see cref="StorageOptions.DataFolder"/>: durable, nothing to install.</summary>
    Embedded,
}
