using System.Globalization;

namespace ServiceDefaults.Storage;

/// <summary>
/// How the embedded store keeps times: UTC text of fixed width (<c>2001-02-03T07:45:00.0000000Z</c>), so that
/// text order is time order and every tick survives.
/// </summary>
public static class EmbeddedTimestamps
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>The stored text of <paramref name="value"/>.</summary>
    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>The time of a stored text.</summary>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
