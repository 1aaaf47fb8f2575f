using System.Diagnostics;

namespace Integration.Tests.Python;

/// <summary>
/// The python3 that scripts/install-python-tools.sh found or installed (scikit-learn, pandas and onnx importable):
/// <c>$PYTHON</c>, Debian's <c>/usr/bin/python3</c>, or <c>python3</c> on the path, in that order.
/// </summary>
public static class PythonInterpreter
{
    /// <summary>Runs python with <paramref name="arguments"/> (and <paramref name="environment"/> added to this process's) in <paramref name="folder"/>: its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (var python in new[] { Environment.GetEnvironmentVariable("PYTHON"), "/usr/bin/python3", "python3" }.OfType<string>().Where(name => name.Length > 0))
        {
            var (code, _) = await StartAsync(python, ["-c", "import sklearn, pandas, onnx"], null, null);
            if (code == 0)
                return await StartAsync(python, arguments, environment, folder);
        }

        throw new InvalidOperationException("No python3 with scikit-learn, pandas and onnx: run scripts/install-python-tools.sh (scripts/test.sh does).");
    }

    private static async Task<(int ExitCode, string Output)> StartAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, string? folder)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder ?? Environment.CurrentDirectory };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output + await errors);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }
}
