namespace ServiceDefaults.Storage;

/// <summary>
/// Where and how services keep their data. Bound from the <c>Storage</c> section and validated at start-up
/// (see <see cref="StorageOptionsValidator"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>key</term><description>environment variable (default)</description></listheader>
/// <item><term><c>Storage:Provider</c></term><description><c>Storage__Provider</c> (<c>Embedded</c>)</description></item>
/// <item><term><c>Storage:DataFolder</c></term><description><c>Storage__DataFolder</c> (<c>.data/store</c>)</description></item>
/// </list>
/// </remarks>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// The store: <see cref="StorageProvider.Embedded"/> (SQLite files under <see cref="DataFolder"/>, the
    /// default and, for now, the only one). Env: <c>Storage__Provider</c>.
    /// </summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Embedded;

    /// <summary>
    /// The folder of the embedded store, one database file per service (e.g. <c>feedbackcollector.db</c>).
    /// A relative path is relative to the service's working directory. Env: <c>Storage__DataFolder</c>.
    /// </summary>
    public string DataFolder { get; set; } = Path.Combine(".data", "store");

    /// <summary>
    /// The full path of a service's embedded database file, e.g. <c>/app/.data/store/feedbackcollector.db</c>
    /// for <c>feedbackcollector</c>.
    /// </summary>
    /// <param name="service">The service's store name: lower-case letters, digits and dashes.</param>
    /// <exception cref="ArgumentException">When <paramref name="service"/> is not such a name.</exception>
    public string DatabasePathOf(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (!service.All(character => char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '-'))
        {
            throw new ArgumentException(
                $"'{service}' is not a store name: use lower-case letters, digits and dashes (it names a file).", nameof(service));
        }

        return Path.GetFullPath(Path.Combine(DataFolder, service + ".db"));
    }
}
