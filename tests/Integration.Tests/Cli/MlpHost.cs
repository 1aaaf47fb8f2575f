using Integration.Tests.Online;
using Integration.Tests.Registry;
using Mlp;

namespace Integration.Tests.Cli;

/// <summary>The command line's test classes share one <see cref="MlpHost"/>.</summary>
[CollectionDefinition(MlpHost.Collection)]
public sealed class MlpHostGroup : ICollectionFixture<MlpHost>;

/// <summary>
/// The embedded host (security on, the tests' admin key) serving the test model, for the command line's tests, and a way
/// to run <c>mlp</c> against it in-process with an environment of the test's choosing. Monitor judges a drift rule on
/// windows of 100 predictions once 50 are in (one breach fires it); alerts start no retraining, and a retraining by hand
/// needs 40 labelled rows.
/// </summary>
public sealed class MlpHost : IAsyncLifetime
{
    /// <summary>The name of the test collection sharing the host.</summary>
    public const string Collection = "mlp";

    /// <summary>The drift rule Monitor judges every version by.</summary>
    public const string DriftRule = "cli-drift";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-mlp-{Guid.NewGuid():N}");
    private string? _modelsFolder;

    /// <summary>The host.</summary>
    public ServiceProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _modelsFolder = await TestModel.CopyOfModelsFolderAsync();
        Host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = _modelsFolder,
            ["Storage__DataFolder"] = _dataFolder,
            ["Monitoring__CountWindow"] = "100",
            ["Monitoring__Rules__0__Name"] = DriftRule,
            ["Monitoring__Rules__0__Kind"] = "Drift",
            ["Monitoring__Rules__0__Threshold"] = "0.2",
            ["Monitoring__Rules__0__MinRows"] = "50",
            ["Monitoring__Rules__0__ConsecutiveWindows"] = "1",
            ["Retraining__Enabled"] = "false",
            ["Retraining__MinRows"] = "40",
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await Poll.PostUntilOkAsync(Host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, Host.Failure);
    }

    /// <summary>Runs <c>mlp</c> with <paramref name="args"/> and the environment <paramref name="environment"/> (nothing else of the test process's).</summary>
    public static Task<MlpRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(environment, interactive: false, args);

    /// <summary>Runs <c>mlp</c> as <see cref="RunAsync(IReadOnlyDictionary{string, string}, string[])"/>, its output a terminal when <paramref name="interactive"/> (ANSI, progress bars, live views).</summary>
    public static async Task<MlpRun> RunAsync(IReadOnlyDictionary<string, string> environment, bool interactive, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await MlpCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), handler: null, CancellationToken.None, interactive);
        return new MlpRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>mlp</c> against the host with the admin key, its output a terminal (ANSI, progress bars, live views).</summary>
    public Task<MlpRun> RunOnTerminalAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string> { ["MLP_URL"] = Host.BaseAddress.ToString(), ["MLP_KEY"] = TestKeys.Admin }, interactive: true, args);

    /// <summary>Runs <c>mlp</c> against the host with the admin key in <c>MLP_URL</c> and <c>MLP_KEY</c>.</summary>
    public Task<MlpRun> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string> { ["MLP_URL"] = Host.BaseAddress.ToString(), ["MLP_KEY"] = TestKeys.Admin }, args);

    /// <summary>
    /// Registers the test model under a new name (<paramref name="prefix"/> and a random part) as versions 1 to
    /// <paramref name="versions"/> with <c>mlp models register</c>; version 1 serves. The model's name.
    /// </summary>
    public async Task<string> RegisterModelAsync(string prefix, int versions = 1)
    {
        var uploads = new RegistryUploads(await TestModel.ModelsFolderAsync(), RegistryUploads.NewModelName(prefix));
        var folder = Path.Combine(Path.GetTempPath(), $"mlp-register-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var onnx = Path.Combine(folder, "model.onnx");
            await File.WriteAllBytesAsync(onnx, uploads.Onnx);
            for (var version = 1; version <= versions; version++)
            {
                var card = Path.Combine(folder, $"card-{version}.json");
                await File.WriteAllTextAsync(card, uploads.Card(version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var registered = await RunAsync("models", "register", uploads.Model, "--card", card, "--onnx", onnx);
                Assert.True(registered.ExitCode == 0, registered.ToString());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Served once Inference says it is ready (no prediction made: the monitoring test counts its own).
        await Poll.UntilAsync(async () =>
        {
            using var ready = await Host.Client.GetAsync(new Uri($"/v2/models/{uploads.Model}/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }, Deadlines.DistributedState, $"{uploads.Model} to be served", Host.Failure);
        return uploads.Model;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var folder in new[] { _dataFolder, _modelsFolder })
        {
            if (folder is not null && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>What one run of <c>mlp</c> did.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Output">What it wrote to standard output.</param>
/// <param name="Error">What it wrote to standard error.</param>
public sealed record MlpRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- output ---\n{Output}\n--- error ---\n{Error}";
}
