using System.Diagnostics;

namespace Deployment.Tests;

/// <summary>
/// Runs a command-line tool (docker-compose, kubectl) in the repository root. A missing tool fails the test
/// with the install command: scripts/test.sh installs both, so a missing one is a broken setup, not a skip.
/// </summary>
internal static class Tool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The result of one run.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs <paramref name="tool"/> and returns what it printed; throws when it is not installed.</summary>
    public static Result Run(string tool, params string[] arguments) => RunWith(new Dictionary<string, string>(), tool, arguments);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="environment"/> added to this process's environment.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, string tool, params string[] arguments)
    {
        var path = Find(tool) ?? throw new InvalidOperationException(
            $"'{tool}' is not on PATH. Install it with scripts/install-deploy-tools.sh (Debian's docker-compose and kubectl).");

        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs the tool and returns its standard output, failing with its error output on a non-zero exit.</summary>
    public static string Output(string tool, params string[] arguments) => OutputWith(new Dictionary<string, string>(), tool, arguments);

    /// <summary>As <see cref="Output"/>, with <paramref name="environment"/> added to this process's environment.</summary>
    public static string OutputWith(IReadOnlyDictionary<string, string> environment, string tool, params string[] arguments)
    {
        var result = RunWith(environment, tool, arguments);
        Assert.True(result.ExitCode == 0,
            $"{tool} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.Error}{result.Output}");
        return result.Output;
    }

    private static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists);
}
