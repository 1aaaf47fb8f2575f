using System.CommandLine;
using Mlp.Connection;

namespace Mlp;

/// <summary>
/// The options every command takes (<c>--url</c>, <c>--key</c>, <c>--output</c>), and the run of a command's body with
/// them: the settings resolved, a client of the platform, the terminal, and errors turned into a message and exit code 1.
/// </summary>
public sealed class SharedOptions(Func<string, string?> environment, HttpMessageHandler? handler, bool interactive)
{
    private readonly Option<string?> _url = new("--url")
    {
        Description = $"The platform: the embedded host or the gateway (default: MLP_URL, the config file, else {MlpSettings.DefaultUrl}).",
        Recursive = true,
    };

    private readonly Option<string?> _key = new("--key")
    {
        Description = "The API key (default: MLP_KEY, else the config file's \"key\").",
        Recursive = true,
    };

    private readonly Option<string> _output = new("--output", "-o")
    {
        Description = "table (for people) or json (the API's answer, for scripts).",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    /// <summary>The <c>--url</c> option.</summary>
    public Option<string?> Url => _url;

    /// <summary>The <c>--key</c> option.</summary>
    public Option<string?> Key => _key;

    /// <summary>Reads an environment variable of the run.</summary>
    public Func<string, string?> Environment => environment;

    /// <summary>Adds the options to the root command (they apply to every subcommand).</summary>
    public void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _output.AcceptOnlyFromAmong("table", "json");
        root.Options.Add(_url);
        root.Options.Add(_key);
        root.Options.Add(_output);
    }

    /// <summary>The action of a command whose body talks to the platform.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<CommandRun, CancellationToken, Task<int>> body) => async (parsed, cancellationToken) =>
    {
        var error = parsed.InvocationConfiguration.Error;
        try
        {
            var settings = MlpSettings.Resolve(parsed.GetValue(_url), parsed.GetValue(_key), environment);
            using var client = new PlatformClient(settings, handler);
            var terminal = new Terminal(parsed.InvocationConfiguration.Output, parsed.GetValue(_output) == "json", interactive);
            return await body(new CommandRun(parsed, client, terminal), cancellationToken);
        }
        catch (MlpException exception)
        {
            await error.WriteLineAsync($"mlp: {exception.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("mlp: interrupted");
            return 130;
        }
    };
}

/// <summary>What a command's body works with.</summary>
/// <param name="Parsed">The command line.</param>
/// <param name="Client">The platform.</param>
/// <param name="Terminal">Where results go.</param>
public sealed record CommandRun(ParseResult Parsed, PlatformClient Client, Terminal Terminal);
