namespace ServiceDefaults.Storage;

/// <summary>
/// A service's store name (e.g. <c>feedbackcollector</c>) names a file in the embedded store and a database
/// in MongoDB, so it is restricted to what is safe for both: lower-case letters, digits and dashes.
/// </summary>
public static class StoreNames
{
    /// <summary>Throws unless <paramref name="service"/> is lower-case letters, digits and dashes.</summary>
    /// <exception cref="ArgumentException">When it is not such a name.</exception>
    public static void ThrowIfInvalid(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (!service.All(character => char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '-'))
        {
            throw new ArgumentException(
                $"'{service}' is not a store name: use lower-case letters, digits and dashes (it names a file or a database).", nameof(service));
        }
    }
}
