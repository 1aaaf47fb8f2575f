using System.CommandLine;
using System.Text.Json;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp config set | show</c>: the config file that gives every later command its platform URL and key
/// (<c>MLP_CONFIG</c>, else <c>$XDG_CONFIG_HOME/mlp/config.json</c>, else <c>~/.config/mlp/config.json</c>), written
/// readable by its owner only; shown with the key's id, never its secret.
/// </summary>
public static class ConfigCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The <c>config</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var config = new Command("config", "The config file: the platform's URL and the key every command uses unless --url/--key or MLP_URL/MLP_KEY say otherwise.");
        config.Subcommands.Add(Set(shared));
        config.Subcommands.Add(Show(shared));
        return config;
    }

    private static Command Set(SharedOptions shared)
    {
        var set = new Command("set", "Writes --url and/or --key into the config file (the other value is kept), readable by you only.");
        set.SetAction(parsed => Run(parsed, () =>
        {
            var (url, key) = (parsed.GetValue(shared.Url), parsed.GetValue(shared.Key));
            if (url is null && key is null)
                throw new MlpException("Give --url, --key or both, e.g. mlp config set --url http://127.0.0.1:5000 --key mlp_…");
            if (url is not null && !MlpSettings.IsPlatformUrl(url))
                throw new MlpException($"'{url}' is not an absolute http or https URL.");
            var path = MlpSettings.ConfigPath(shared.Environment);
            var old = MlpSettings.ConfigValuesOf(shared.Environment);
            var values = new { url = url ?? old?.Url, key = key ?? old?.Key };
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                // Made readable and writable by its owner only before the key is written into it.
                File.WriteAllText(path, "");
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.WriteAllText(path, JsonSerializer.Serialize(values, Indented));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new MlpException($"Cannot write the config file {path}: {exception.Message}", exception);
            }

            parsed.InvocationConfiguration.Output.WriteLine($"Saved to {path}: url {values.url ?? "(none)"}, key {Masked(values.key)}");
        }));
        return set;
    }

    private static Command Show(SharedOptions shared)
    {
        var show = new Command("show", "Where the URL and key of the next command come from, and their values (the key by its id only).");
        show.SetAction(parsed => Run(parsed, () =>
        {
            var environment = shared.Environment;
            var path = MlpSettings.ConfigPath(environment);
            var file = MlpSettings.ConfigValuesOf(environment);
            var settings = MlpSettings.Resolve(parsed.GetValue(shared.Url), parsed.GetValue(shared.Key), environment);
            string Source(string? option, string variable, string? inFile, bool isDefault) =>
                option is not null ? "--option" : !string.IsNullOrWhiteSpace(environment(variable)) ? variable : inFile is not null ? "the config file" : isDefault ? "the default" : "nowhere";
            var grid = new Grid().AddColumn().AddColumn().AddColumn();
            grid.AddRow(Cell("Config file"), Cell(File.Exists(path) ? path : $"{path} (none yet)"), Cell(""));
            grid.AddRow(Cell("URL"), Cell(settings.Url.ToString()), Cell($"from {Source(parsed.GetValue(shared.Url), "MLP_URL", file?.Url, isDefault: true)}"));
            grid.AddRow(Cell("Key"), Cell(Masked(settings.Key)), Cell($"from {Source(parsed.GetValue(shared.Key), "MLP_KEY", file?.Key, isDefault: false)}"));
            new Terminal(parsed.InvocationConfiguration.Output, json: false, interactive: false).Write(grid);
        }));
        return show;
    }

    // mlp_0123456789ab_<secret> → mlp_0123456789ab_…: the id names the key, the secret is never shown.
    private static string Masked(string? key) => key switch
    {
        null => "(none)",
        _ when key.StartsWith("mlp_", StringComparison.Ordinal) && key.Length > 17 => key[..17] + "…",
        _ => $"({key.Length} characters, not an mlp key: a token?)",
    };

    private static int Run(ParseResult parsed, Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (MlpException exception)
        {
            parsed.InvocationConfiguration.Error.WriteLine($"mlp: {exception.Message}");
            return 1;
        }
    }
}
