using System.Text.RegularExpressions;

namespace ServiceDefaults.Storage;

/// <summary>Names that become file, database, table, collection and column names: restricted to what is safe for both providers.</summary>
public static partial class StoreNames
{
    /// <summary><paramref name="name"/> (a store, collection or field) if it is lower-case letters, digits and underscores, starting with a letter; else throws.</summary>
    public static string Checked(string name) =>
        Name().IsMatch(name ?? "")
            ? name!
            : throw new ArgumentException($"'{name}' is not a store, collection or field name: use lower-case letters, digits and underscores, starting with a letter (it names a file, a database, a table or a column).", nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9_]*\\z")]
    private static partial Regex Name();
}
