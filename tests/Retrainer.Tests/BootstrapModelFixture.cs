using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Bundles;
using Modeling.Flights;
using Retrainer.Demo;

namespace Retrainer.Tests;

/// <summary>
/// The bootstrap model, trained as the running system trains it and cached for later runs under the repository's
/// <c>.data/test-cache</c> (never the system's models folder). The cache is keyed by what produced the model — the
/// bootstrap training options, the trainer's and the model code's builds (whose ids change with every commit), the
/// ML.NET and ONNX Runtime versions and the flights file — so a changed trainer trains anew instead of testing a stale
/// artifact; a run trains into a folder of its own and
/// renames it into place, so runs at the same time never mix files (the first rename wins, the other run reads it).
/// Tests only read <see cref="ModelsFolder"/>; one that needs to write copies it.
/// </summary>
public sealed class BootstrapModelFixture : IAsyncLifetime
{
    /// <summary>A models folder holding the bootstrap bundle (flight-delay version 1) and nothing else; read only.</summary>
    public string ModelsFolder { get; private set; } = null!;

    public ModelBundle Bundle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (DemoData.FindFlightsFile() is not { } flights)
            return;
        var cache = Path.Combine(RepositoryRoot(), ".data", "test-cache", "bootstrap-model");
        ModelsFolder = Path.Combine(cache, CacheKey(flights));
        if ((await ModelBundle.ReadAsync(ModelBundle.FolderOf(ModelsFolder, FlightDelayModel.Name, BootstrapModel.Version), CancellationToken.None)).Bundle is not { } cached)
            cached = await TrainIntoPlaceAsync(cache);
        Bundle = cached;
        // Every build has its own key (the builds' ids change with every commit): marked as used, and the models of
        // builds no run used for a week go.
        Directory.SetLastWriteTimeUtc(ModelsFolder, DateTime.UtcNow);
        DeleteUnused(cache, TimeSpan.FromDays(7));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Microservices.sln")))
                return folder.FullName;
        throw new InvalidOperationException("the tests run outside the repository");
    }

    // Trained by the product's own path (BootstrapModel.EnsureAsync) into a folder of this run, on a fixed clock so the
    // card is the same every time, then renamed into place. A rename onto a folder another run put there first fails:
    // that run's model is as good, and this one's goes.
    private async Task<ModelBundle> TrainIntoPlaceAsync(string cache)
    {
        var training = Path.Combine(cache, $"training-{Guid.NewGuid():N}");
        await BootstrapModel.EnsureAsync(training, new ManualClock(), CancellationToken.None);
        try
        {
            Directory.Move(training, ModelsFolder);
        }
        catch (IOException) when (Directory.Exists(ModelsFolder))
        {
            Directory.Delete(training, recursive: true);
        }

        return (await ModelBundle.ReadAsync(ModelBundle.FolderOf(ModelsFolder, FlightDelayModel.Name, BootstrapModel.Version), CancellationToken.None)).Bundle
            ?? throw new InvalidOperationException($"the bootstrap model in {ModelsFolder} cannot be read");
    }

    // Cached models and training folders (of runs that crashed) unused for longer than the given age. A folder that
    // another run is deleting or renaming meanwhile is left to it.
    private static void DeleteUnused(string cache, TimeSpan age)
    {
        foreach (var folder in new DirectoryInfo(cache).EnumerateDirectories())
        {
            if (DateTime.UtcNow - folder.LastWriteTimeUtc <= age)
                continue;
            try
            {
                folder.Delete(recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone already, or in use.
            }
        }
    }

    // What produced the model: the same key means the same training on the same data by the same code.
    private static string CacheKey(string flightsFile)
    {
        var data = new FileInfo(flightsFile);
        var producer = string.Join('\n',
            JsonSerializer.Serialize(BootstrapModel.Options),
            typeof(FlightDelayTrainer).Assembly.ManifestModule.ModuleVersionId,
            typeof(ModelBundle).Assembly.ManifestModule.ModuleVersionId,
            typeof(FastTreeBinaryTrainer).Assembly.FullName,
            typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.FullName,
            $"{data.Name} {data.Length} {data.LastWriteTimeUtc.Ticks}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(producer)))[..16];
    }
}

[CollectionDefinition(Name)]
public sealed class BootstrapModelGroup : ICollectionFixture<BootstrapModelFixture>
{
    public const string Name = "bootstrap model";
}
