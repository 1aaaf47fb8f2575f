using System.CommandLine;
using Mlp.Commands;

namespace Mlp;

/// <summary>
/// The command tree and its invocation: <c>mlp [--url URL] [--key KEY] [--output table|json] COMMAND …</c>. Exit codes: 0
/// done, 1 an error (the platform's problem details or what could not be read or reached, on standard error), 130
/// interrupted; a parse error prints the usage and exits with 1.
/// </summary>
public static class MlpCli
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where results go (tables, or JSON with <c>--output json</c>).</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="environment">Reads an environment variable (<c>MLP_URL</c>, <c>MLP_KEY</c>, <c>MLP_CONFIG</c>, …).</param>
    /// <param name="handler">Replaces the network (tests); null for the real one.</param>
    /// <param name="cancellationToken">Interrupts the command.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal (progress bars, live views); null: the process's console when it is not redirected.</param>
    public static Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? handler, CancellationToken cancellationToken,
        bool? interactive = null)
    {
        var shared = new SharedOptions(environment, handler, interactive ?? (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected));
        var root = new RootCommand("mlp: the ML platform's command line, through the public API of the embedded host or the gateway. Tables for people, --output json for scripts.");
        shared.AddTo(root);
        root.Subcommands.Add(ModelsCommands.Create(shared));
        root.Subcommands.Add(PredictCommand.Create(shared));
        root.Subcommands.Add(BatchCommands.Create(shared));
        root.Subcommands.Add(FeedbackCommands.Create(shared));
        root.Subcommands.Add(RolloutsCommands.Create(shared));
        root.Subcommands.Add(RetrainingsCommands.Create(shared));
        root.Subcommands.Add(MonitorCommand.Create(shared));
        root.Subcommands.Add(TrainingDataCommands.Create(shared));
        root.Subcommands.Add(KeysCommands.Create(shared));
        root.Subcommands.Add(AuditCommand.Create(shared));
        root.Subcommands.Add(ConfigCommands.Create(shared));
        root.Subcommands.Add(CompletionCommand.Create());
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
