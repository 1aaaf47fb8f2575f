using System.Text.Json;

namespace Mlp.Connection;

/// <summary>
/// Where mlp finds the platform and the key it calls with. Each comes from the first place that has it: the command
/// line (<c>--url</c>, <c>--key</c>), the environment (<c>MLP_URL</c>, <c>MLP_KEY</c>), the config file (<c>MLP_CONFIG</c>,
/// else <c>$XDG_CONFIG_HOME/mlp/config.json</c> or <c>~/.config/mlp/config.json</c>: <c>{"url": "…", "key": "…"}</c>);
/// the URL defaults to the embedded default's address, the key to none.
/// </summary>
/// <param name="Url">The gateway (distributed mode) or the embedded host.</param>
/// <param name="Key">The API key, or null to call without one.</param>
public sealed record MlpSettings(Uri Url, string? Key)
{
    /// <summary>The address <c>scripts/run.sh</c> serves on.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>The settings from the options given, the environment and the config file.</summary>
    /// <param name="url">The <c>--url</c> option, or null.</param>
    /// <param name="key">The <c>--key</c> option, or null.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    public static MlpSettings Resolve(string? url, string? key, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var file = ConfigFile(environment);
        var address = First(url, environment("MLP_URL"), file?.Url) ?? DefaultUrl;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            throw new MlpException($"The platform's URL '{address}' is not an absolute http or https URL (--url, MLP_URL or the config file's \"url\").");
        return new MlpSettings(parsed, First(key, environment("MLP_KEY"), file?.Key));
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?.Trim();

    /// <summary>The config file's path: <c>MLP_CONFIG</c>, else <c>$XDG_CONFIG_HOME/mlp/config.json</c>, else <c>~/.config/mlp/config.json</c>.</summary>
    public static string ConfigPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return First(environment("MLP_CONFIG"))
            ?? Path.Combine(First(environment("XDG_CONFIG_HOME")) ?? Path.Combine(First(environment("HOME")) ?? "", ".config"), "mlp", "config.json");
    }

    /// <summary>The config file's url and key (either null when it has none), or null when there is no file.</summary>
    public static (string? Url, string? Key)? ConfigValuesOf(Func<string, string?> environment) =>
        ConfigFile(environment) is { } values ? (values.Url, values.Key) : null;

    /// <summary>Whether <paramref name="address"/> is an absolute http or https URL (what the platform's URL must be).</summary>
    public static bool IsPlatformUrl(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";

    // The config file's url and key, or null when there is no file; a file that is not such JSON is an error, not ignored.
    private static ConfigValues? ConfigFile(Func<string, string?> environment)
    {
        var path = ConfigPath(environment);
        if (!File.Exists(path))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new MlpException($"The config file {path} must hold a JSON object such as {{\"url\": \"http://127.0.0.1:5000\", \"key\": \"mlp_…\"}}.");
            return new ConfigValues(Text(document.RootElement, "url", path), Text(document.RootElement, "key", path));
        }
        catch (JsonException exception)
        {
            throw new MlpException($"The config file {path} is not JSON: {exception.Message}");
        }
    }

    private static string? Text(JsonElement config, string name, string path) =>
        !config.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new MlpException($"The config file {path}: \"{name}\" must be a string.");

    private sealed record ConfigValues(string? Url, string? Key);
}
