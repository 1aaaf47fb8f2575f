using System.Text.RegularExpressions;

namespace ServiceDefaults.Storage;

/// <summary>Names that become file, database, table and column names, restricted to what is safe for both providers.</summary>
public static partial class StoreNames
{
    /// <summary>Throws unless <paramref name="service"/> (a store name: a file, a database) is lower-case letters, digits and dashes.</summary>
    public static void ThrowIfInvalid(string service)
    {
        if (!StoreName().IsMatch(service ?? ""))
            throw new ArgumentException($"'{service}' is not a store name: use lower-case letters, digits and dashes (it names a file or a database).", nameof(service));
    }

    /// <summary>Throws unless <paramref name="name"/> (a collection or field) is lower-case letters, digits and underscores, starting with a letter.</summary>
    public static void ThrowIfInvalidCollection(string name)
    {
        if (!CollectionName().IsMatch(name ?? ""))
            throw new ArgumentException($"'{name}' is not a collection or field name: use lower-case letters, digits and underscores, starting with a letter.", nameof(name));
    }

    [GeneratedRegex("^[a-z0-9-]+\\z")]
    private static partial Regex StoreName();

    [GeneratedRegex("^[a-z][a-z0-9_]*\\z")]
    private static partial Regex CollectionName();
}
