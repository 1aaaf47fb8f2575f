using System.Diagnostics;

namespace Bench;

/// <summary>
/// The distributed mode started by <c>scripts/run-distributed.sh</c> on its own ports and data folder (a copy
/// of the models, so nothing is trained), stopped with all its processes when disposed.
/// </summary>
public sealed class DistributedSystemProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dataFolder;

    private DistributedSystemProcess(Process process, string dataFolder, Uri gateway)
    {
        _process = process;
        _dataFolder = dataFolder;
        Gateway = gateway;
    }

    /// <summary>The gateway's address.</summary>
    public Uri Gateway { get; }

    /// <summary>Starts the system and waits until it serves predictions.</summary>
    public static async Task<DistributedSystemProcess> StartAsync(string repositoryRoot, string modelsFolder, int gatewayPort)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}");
        CopyFolder(modelsFolder, Path.Combine(dataFolder, "models"));
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(repositoryRoot, "scripts", "run-distributed.sh"));
        start.Environment["GATEWAY_PORT"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SERVICE_BASE_PORT"] = (gatewayPort + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DATA_DIR"] = dataFolder;
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/run-distributed.sh");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith("ready:", StringComparison.Ordinal) == true)
                ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) Console.Error.WriteLine($"  [distributed] {text}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var system = new DistributedSystemProcess(process, dataFolder, new Uri($"http://127.0.0.1:{gatewayPort}"));
        if (await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(4))) != ready.Task)
        {
            system.Dispose();
            throw new InvalidOperationException($"The distributed system did not become ready; see {dataFolder}/logs");
        }

        return system;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a log file; the temporary folder is left behind.
        }
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
