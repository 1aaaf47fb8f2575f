using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceDefaults;

/// <summary>
/// The JSON form of every HTTP API in the platform: camelCase property names, enums as camelCase strings
/// (never numbers), nulls left out when writing, and numbers that must be JSON numbers.
/// </summary>
/// <remarks>
/// Dictionary keys keep their spelling: they are data (feature names, label names), not property names.
/// </remarks>
public static class ApiJson
{
    /// <summary>Read-only options with the platform's settings, for code outside the HTTP pipeline (clients, tests).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Applies the platform's settings to <paramref name="options"/> (e.g. ASP.NET Core's HTTP JSON options).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // "distance": "12" is a client error to report, not a number to guess (web defaults accept it).
        options.NumberHandling = JsonNumberHandling.Strict;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
