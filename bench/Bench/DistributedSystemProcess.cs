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

    /// <summary>The data folder (models, stores, logs) of this run.</summary>
    public string DataFolder => _dataFolder;

    /// <summary>The admin key the Retrainer wrote at this run's first start (the system is ready, so it is there).</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(_dataFolder, "store", "admin-key")).Trim();

    /// <summary>Starts the system and waits until it serves predictions.</summary>
    public static async Task<DistributedSystemProcess> StartAsync(
        string repositoryRoot, string modelsFolder, int gatewayPort, IReadOnlyDictionary<string, string>? environment = null)
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
        // The bench measures how much the platform can serve one caller, not the per-key rate limit (1000 a second by
        // default, docs/security.md#rate-limits), which the closed loop would otherwise reach.
        start.Environment["RateLimits__PredictionsPerSecond"] = "1000000";
        start.Environment["RateLimits__PredictionsBurst"] = "1000000";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

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

    /// <summary>
    /// The peak resident memory (VmHWM) and the CPU time used so far (user + system, from /proc) of each
    /// process of this run: the services (found by the ports they listen on) and the RabbitMQ server.
    /// </summary>
    public static IReadOnlyDictionary<string, ProcessUsage> Usage(int gatewayPort)
    {
        var usage = new SortedDictionary<string, ProcessUsage>(StringComparer.Ordinal);
        foreach (var pid in LinuxProcesses.All())
        {
            try
            {
                var command = LinuxProcesses.CommandLine(pid);
                string name;
                if (command.Any(part => part.Contains("beam.smp", StringComparison.Ordinal)) && command.Any(part => part.Contains("rabbit", StringComparison.Ordinal)))
                {
                    name = "RabbitMQ";
                }
                else
                {
                    var dll = command.FirstOrDefault(part => part.EndsWith(".dll", StringComparison.Ordinal));
                    var urls = command.SkipWhile(part => part != "--urls").Skip(1).FirstOrDefault();
                    if (dll is null || urls is null || !int.TryParse(urls.Split(':').Last(), out var port) || port < gatewayPort || port > gatewayPort + 6)
                        continue;
                    name = port == gatewayPort ? "Gateway" : $"{Path.GetFileNameWithoutExtension(dll)} (:{port})";
                }

                var peak = File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
                var kilobytes = long.Parse(peak.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                if (ProcStat.Read(pid) is { } stat)
                    usage[name] = new ProcessUsage(kilobytes * 1024, stat.OwnSeconds);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // The process ended while it was read, or belongs to another user.
            }
        }

        return usage;
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

    /// <summary>Copies every file under <paramref name="source"/> to the same place under <paramref name="target"/>.</summary>
    internal static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

/// <summary>What a process used.</summary>
/// <param name="PeakBytes">Peak resident memory.</param>
/// <param name="CpuSeconds">CPU time (user + system) since it started.</param>
public sealed record ProcessUsage(long PeakBytes, double CpuSeconds);
