using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Retrainer.Training;

namespace Retrainer.Registry;

/// <summary>
/// When the Retrainer starts: makes sure the bootstrap model exists (trains it in the background the first
/// time; the first version of a model becomes its champion), registers every bundle of the models folder that
/// the model store does not have yet (with MongoDB, that is how bundles trained by the command line reach the
/// registry), and announces them, so services that asked for the served models before they existed load them now.
/// </summary>
public sealed partial class BootstrapModelService(
    IOptions<RegistryOptions> options, IModelStore store, ModelRegistry registry, TimeProvider time, ILogger<BootstrapModelService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (options.Value.BootstrapDemoModel)
                await BootstrapAsync(stoppingToken);

            await ImportModelsFolderAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidOperationException or IOException or MongoDB.Driver.MongoException)
        {
            LogFailed(exception);
        }
    }

    private async Task BootstrapAsync(CancellationToken stoppingToken)
    {
        var trigger = BootstrapModel.Options.Trigger;
        var hadModel = (await store.VersionsAsync(FlightDelayModel.Name, stoppingToken)).Count > 0;
        var started = time.GetTimestamp();
        var bundle = await BootstrapModel.EnsureAsync(options.Value.ModelsFolder, time, stoppingToken);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        LogReady(bundle.Card.Name, bundle.Card.Version, bundle.Card.Metrics?.Holdout?.Auc ?? double.NaN, seconds);

        var registration = await registry.RegisterAsync(bundle, trigger, stoppingToken);
        if (registration.Outcome == RegistrationOutcome.Registered)
            return;

        // With the models folder as the store, training wrote the bundle straight into it: the first version of
        // the model still becomes its champion. A model that was there before keeps its aliases.
        if (!hadModel)
            await registry.EnsureChampionAsync(bundle.Card.Name, stoppingToken);
        await registry.AnnounceAsync(bundle.Card.Name, bundle.Card.Version, trigger, registration.Version?.RegisteredAt ?? time.GetUtcNow(), stoppingToken);
    }

    // Nothing to do when the store is the models folder itself. The version the folder serves is registered
    // first, so that it becomes the champion of a model the store does not know yet.
    private async Task ImportModelsFolderAsync(CancellationToken stoppingToken)
    {
        if (store is FolderModelStore)
            return;
        using var folder = new FolderModelStore(options.Value.ModelsFolder, time, NullLogger<FolderModelStore>.Instance);
        using var folderRegistry = new ModelRegistry(folder, time);
        foreach (var name in await folder.ModelNamesAsync(stoppingToken))
        {
            var servedByFolder = await folderRegistry.ServedVersionAsync(name, stoppingToken);
            var versions = (await folder.VersionsAsync(name, stoppingToken))
                .OrderBy(version => version == servedByFolder ? 0 : 1)
                .ThenBy(version => version, ModelRegistry.VersionComparer.Instance);
            foreach (var version in versions)
            {
                if (await folder.FindAsync(name, version, stoppingToken) is { } bundle
                    && (await registry.RegisterAsync(bundle, "import", stoppingToken)).Outcome == RegistrationOutcome.Registered)
                {
                    LogImported(name, version);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap model {Name} version {Version} is ready (hold-out AUC {Auc:0.0000}, {Seconds:0.0} s)")]
    private partial void LogReady(string name, string version, double auc, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered model {Name} version {Version} from the models folder")]
    private partial void LogImported(string name, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap model could not be prepared or the models folder not registered")]
    private partial void LogFailed(Exception exception);
}
