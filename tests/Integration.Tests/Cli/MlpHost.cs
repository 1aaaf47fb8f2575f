using Integration.Tests.Online;
using Mlp;

namespace Integration.Tests.Cli;

/// <summary>
/// The embedded host (security on, the tests' admin key) serving the test model, for the command line's tests, and a way
/// to run <c>mlp</c> against it in-process with an environment of the test's choosing.
/// </summary>
public sealed class MlpHost : IAsyncLifetime
{
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
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await Poll.PostUntilOkAsync(Host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, Host.Failure);
    }

    /// <summary>Runs <c>mlp</c> with <paramref name="args"/> and the environment <paramref name="environment"/> (nothing else of the test process's).</summary>
    public static async Task<MlpRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await MlpCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), handler: null, CancellationToken.None);
        return new MlpRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>mlp</c> against the host with the admin key in <c>MLP_URL</c> and <c>MLP_KEY</c>.</summary>
    public Task<MlpRun> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string> { ["MLP_URL"] = Host.BaseAddress.ToString(), ["MLP_KEY"] = TestKeys.Admin }, args);

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
