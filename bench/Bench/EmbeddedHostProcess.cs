using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Bench;

/// <summary>
/// The embedded default (every service in one process on the in-memory bus) started as <c>scripts/run.sh</c> starts it,
/// the built <c>Embedded.dll</c> with its output folder as content root, on its own port and data folder (a copy of the
/// models, so nothing is trained); stopped, and its folder deleted, when disposed.
/// </summary>
public sealed class EmbeddedHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _dataFolder;

    private EmbeddedHostProcess(Process process, string dataFolder, Uri address)
    {
        _process = process;
        _dataFolder = dataFolder;
        Address = address;
    }

    /// <summary>Where it listens: its gateway's routes and every service's endpoints.</summary>
    public Uri Address { get; }

    /// <summary>The admin key the host wrote at its first start (in its data folder's <c>store/admin-key</c>, as <c>.data/store/admin-key</c> for run.sh).</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(_dataFolder, "store", "admin-key")).Trim();

    /// <summary>Starts the host on <paramref name="port"/> and waits until it answers a prediction with its admin key.</summary>
    public static async Task<EmbeddedHostProcess> StartAsync(string repositoryRoot, string modelsFolder, int port)
    {
        var bin = Path.Combine(repositoryRoot, "deploy", "Embedded", "bin", "Release", "net10.0");
        var dataFolder = Path.Combine(Path.GetTempPath(), $"bench-embedded-{Guid.NewGuid():N}");
        DistributedSystemProcess.CopyFolder(modelsFolder, Path.Combine(dataFolder, "models"));
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(bin, "Embedded.dll"), "--contentRoot", bin, "--urls", address.ToString().TrimEnd('/') })
            start.ArgumentList.Add(argument);
        start.Environment["Registry__ModelsFolder"] = Path.Combine(dataFolder, "models");
        start.Environment["Storage__DataFolder"] = Path.Combine(dataFolder, "store");
        start.Environment["DEMO_DATA_DIR"] = Path.Combine(repositoryRoot, ".data", "vega-datasets");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        // As for the distributed mode (DistributedSystemProcess): one caller's capacity, not the per-key rate limit.
        start.Environment["RateLimits__PredictionsPerSecond"] = "1000000";
        start.Environment["RateLimits__PredictionsBurst"] = "1000000";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start deploy/Embedded (scripts/bench.sh builds it)");
        // Drained so the host never blocks on a full pipe; its log is not shown.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) Console.Error.WriteLine($"  [embedded] {text}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new EmbeddedHostProcess(process, dataFolder, address);
        if (!await host.ServesPredictionsAsync(TimeSpan.FromMinutes(4)))
        {
            host.Dispose();
            throw new InvalidOperationException("The embedded host did not serve a prediction within 4 minutes.");
        }

        return host;
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
            // A file may still be open; the temporary folder is left behind.
        }
    }

    private async Task<bool> ServesPredictionsAsync(TimeSpan deadline)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var record = "{\"date\":\"2001-02-03T07:45:00\",\"origin\":\"ORD\",\"destination\":\"LAX\",\"distance\":1744}";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline && !_process.HasExited)
        {
            try
            {
                if (File.Exists(Path.Combine(_dataFolder, "store", "admin-key")))
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, "/api/v1/models/flight-delay/predict"))
                    {
                        Content = new StringContent(record, new MediaTypeHeaderValue("application/json")),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
                    using var response = await client.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                        return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        return false;
    }
}
