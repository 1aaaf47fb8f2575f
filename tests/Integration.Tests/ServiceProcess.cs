using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Sdk;

namespace Integration.Tests;

/// <summary>
/// One service running as a real process: <c>dotnet &lt;Service&gt;.dll --urls http://127.0.0.1:&lt;free port&gt;</c>,
/// with the environment a test gives it and nothing inherited that could change its behaviour (OTEL_*,
/// Messaging__*). Its output is kept for failure messages; disposing it kills the process tree.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 400;
    private const int FirstPort = 10_000;
    private const int PortCount = 32_768 - FirstPort;
    private static readonly long PortOffset = Environment.ProcessId * 7_919L % PortCount;
    private static long s_portsHandedOut;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // Settings the tests choose explicitly, so a developer's shell cannot leak into a run.
    private static readonly string[] ClearedVariablePrefixes =
        [
            "OTEL_", "Messaging__", "ConnectionStrings__", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Registry__", "Storage__",
            "ServedModels__", "FeatureBuilder__", "Inference__", "Gateway__", "ReverseProxy__", "Batches__", "Feedback__",
            "Monitoring__", "ComputationalMonitoring__", "Retraining__", "Rollouts__", "Telemetry__", "Randomness__", "Logging__",
            "Security__", "RateLimits__", "Grpc__",
        ];

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();

    private const string DataFolderVariable = "Storage__DataFolder";

    /// <summary>The variable that gives a process a gRPC port (<c>Grpc:Url</c>).</summary>
    public const string GrpcUrlVariable = "Grpc__Url";

    /// <summary>A value for <see cref="GrpcUrlVariable"/>: a free port on 127.0.0.1.</summary>
    public static string FreeGrpcUrl() => $"http://127.0.0.1:{FreeTcpPort()}";

    private readonly string _service;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private string? _ownFolder;

    private ServiceProcess(string service, IReadOnlyDictionary<string, string>? environment, string name, Uri baseAddress, Process process)
    {
        _service = service;
        _environment = environment;
        Name = name;
        BaseAddress = baseAddress;
        _process = process;
        // Generous: a busy machine can hold one answer for seconds, and a test's verdict must not depend on that.
        Client = TestKeys.Authorized(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The gRPC address (cleartext HTTP/2) the process was given as <c>Grpc__Url</c>, or null.</summary>
    public Uri? GrpcAddress => _environment?.GetValueOrDefault(GrpcUrlVariable) is { } url ? new Uri(url) : null;

    /// <summary>A client for the service's HTTP API, sending <see cref="TestKeys.Admin"/> (a Retrainer of the test takes it as its first key).</summary>
    public HttpClient Client { get; }

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts the service; it is listening when <see cref="WaitUntilLiveAsync"/> returns.</summary>
    /// <param name="service">The service's assembly name, e.g. <c>Inference</c>.</param>
    /// <param name="environment">Variables set for the process (after the cleared ones are removed).</param>
    /// <param name="name">The name in failure messages (e.g. <c>inference-2</c>), by default <paramref name="service"/>.</param>
    /// <remarks>
    /// A service given no <c>Storage__DataFolder</c> gets a new empty one of its own (kept across
    /// <see cref="KillAndRestartAsync"/>, deleted with the process): the default, <c>.data/store</c> under the build output,
    /// would carry a store from an earlier run into this one (its keys, its registry).
    /// </remarks>
    public static ServiceProcess Start(string service, IReadOnlyDictionary<string, string>? environment = null, string? name = null)
    {
        string? ownFolder = null;
        if (environment is null || !environment.ContainsKey(DataFolderVariable))
        {
            ownFolder = Path.Combine(Path.GetTempPath(), $"it-store-{Guid.NewGuid():N}");
            environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { [DataFolderVariable] = ownFolder };
        }

        var process = Start(service, environment, name, new Uri($"http://127.0.0.1:{FreeTcpPort()}"));
        process._ownFolder = ownFolder;
        return process;
    }

    /// <summary>
    /// Kills the process at once (SIGKILL: no shutdown, no flushing, as a crash or an OOM kill) and starts the
    /// same service again with the same settings on the same address; wait for it with <see cref="WaitUntilLiveAsync"/>.
    /// </summary>
    public async Task<ServiceProcess> KillAndRestartAsync()
    {
        await KillAsync();
        var restarted = Start(_service, _environment, Name, BaseAddress);
        restarted._ownFolder = _ownFolder;
        return restarted;
    }

    /// <summary>
    /// Stops the process as an orchestrator does (SIGTERM: the host shuts down gracefully), waits at most
    /// <paramref name="timeout"/> for it to exit, and starts the same service again with the same settings on the same
    /// address; wait for it with <see cref="WaitUntilLiveAsync"/>. The stopped process's exit code, and the new process.
    /// </summary>
    public async Task<(int ExitCode, ServiceProcess Restarted)> StopGracefullyAndRestartAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await signal.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw Failure($"{Name} did not stop within {timeout.TotalSeconds:0} s of SIGTERM.");
        }

        var exitCode = _process.ExitCode;
        Client.Dispose();
        _process.Dispose();
        var restarted = Start(_service, _environment, Name, BaseAddress);
        restarted._ownFolder = _ownFolder;
        return (exitCode, restarted);
    }

    private static ServiceProcess Start(string service, IReadOnlyDictionary<string, string>? environment, string? name, Uri baseAddress)
    {
        var dll = ServiceAssemblies.PathOf(service);

        var start = new ProcessStartInfo(DotnetHost())
        {
            // appsettings.json is read from the content root, which is the working directory.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));

        foreach (var key in start.Environment.Keys.Where(IsCleared).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The tests run up to thirty services at once on two cores: a thread-pool worker that runs out of work spins
        // before it sleeps, and the spinning was most of an idle service's CPU (perf: LowLevelSpinWaiter.Wait). Measured
        // idle for 30 s, in pairs: Inference 240 vs 420 ms and 310 vs 660 ms, Gateway 890 vs 1,210 ms and 680 vs 930 ms.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        // The Retrainer would otherwise train the demo model at start-up.
        start.Environment["Registry__BootstrapDemoModel"] = "false";
        // A Retrainer takes the tests' admin key as its first key and announces it, so every client below may use it.
        start.Environment["Security__AdminKeyFile"] = TestKeys.AdminKeyFile;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var running = new ServiceProcess(service, environment, name ?? service, baseAddress, process);
        process.OutputDataReceived += (_, line) => running.Record(line.Data);
        process.ErrorDataReceived += (_, line) => running.Record(line.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {service} ({dll}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits until <c>/health/live</c> answers 200.</summary>
    public Task WaitUntilLiveAsync(TimeSpan timeout) =>
        WaitForStatusAsync("/health/live", HttpStatusCode.OK, timeout);

    /// <summary>
    /// Polls <paramref name="path"/> until it answers <paramref name="expected"/> and returns that answer's
    /// body; fails with the service's output when the time runs out or the process exits.
    /// </summary>
    public async Task<string> WaitForStatusAsync(string path, HttpStatusCode expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw Failure($"{Name} exited with code {_process.ExitCode} while waiting for {expected} from {path}.");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == expected)
                {
                    return body;
                }

                last = $"{(int)response.StatusCode} {body}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // TaskCanceledException: the client's own timeout, a service slow to answer while the machine is busy.
                last = exception.Message;
            }

            await Task.Delay(PollInterval);
        }

        throw Failure($"{Name} did not answer {(int)expected} on {path} within {timeout.TotalSeconds:0} s; last answer: {last}");
    }

    /// <summary>An assertion failure that carries the service's output.</summary>
    public XunitException Failure(string message) =>
        new($"{message}\n--- {Name} output (last {OutputLinesKept} lines) ---\n{Output}");

    /// <summary>Kills the process tree; deletes the data folder it was given by <see cref="Start(string, IReadOnlyDictionary{string, string}?, string?)"/>, if any.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_ownFolder is not null && Directory.Exists(_ownFolder))
            Directory.Delete(_ownFolder, recursive: true);
    }

    private async Task KillAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // The process was never started or is already gone.
        }
        catch (TimeoutException)
        {
            // Killed but not yet reaped; nothing more a test can do.
        }

        _process.Dispose();
    }

    /// <summary>
    /// A TCP port on 127.0.0.1 that nothing listens on and that no other test of this run is given: taken in turn from
    /// 10000–32767, below the kernel's ephemeral range (32768–60999), so no client connection or <c>bind(0)</c>
    /// anywhere on the machine takes it between now and the moment the service binds it (or binds it again after
    /// <see cref="KillAndRestartAsync"/>). The start within the range differs per test process, for concurrent runs.
    /// </summary>
    public static int FreeTcpPort()
    {
        while (true)
        {
            var port = FirstPort + (int)((Interlocked.Increment(ref s_portsHandedOut) + PortOffset) % PortCount);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else on the machine: the next one.
            }
        }
    }

    private static bool IsCleared(string variable) =>
        ClearedVariablePrefixes.Any(prefix => variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    // The dotnet host running the tests, so services run on the same runtime.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        return Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet"
            ? current
            : "dotnet";
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}
