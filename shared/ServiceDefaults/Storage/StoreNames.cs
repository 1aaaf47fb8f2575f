namespace ServiceDefaults.Storage;

/// <summary>
/// A service's store name (e.g. <c>feedbackcollector</c>) names a file in the embedded store and a database
/// in MongoDB, so it is restricted to what is safe for both: lower-case letters, digits and dashes.
/// </summary>
public static class StoreNames
{
    /// <summary>Throws unless <paramref name="service"/> is lower-case letters, digits and dashes.</summary>
    public static void ThrowIfInvalid(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (!service.All(character => char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '-'))
        {
            throw new ArgumentException(
                $"'{service}' is not a store name: use lower-case letters, digits and dashes (it names a file or a database).", nameof(service));
        }
    }

    /// <summary>Throws unless <paramref name="name"/> (a collection or field of a document store) is lower-case letters, digits and underscores, starting with a letter.</summary>
    public static void ThrowIfInvalidCollection(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!char.IsAsciiLetterLower(name[0]) || !name.All(character => char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '_'))
        {
            throw new ArgumentException(
                $"'{name}' is not a collection or field name: use lower-case letters, digits and underscores, starting with a letter (it names a table or a column).", nameof(name));
        }
    }
}
