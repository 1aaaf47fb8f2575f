using Contracts.Models;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// When the Retrainer starts: makes sure the bootstrap model exists (trains it in the background the first
/// time), registers every bundle of the models folder that the model store does not have yet (with MongoDB,
/// that is how bundles trained by the command line reach the registry), and announces them, so services that
/// asked for the served models before they existed load them now.
/// </summary>
public sealed partial class BootstrapModelService(
    IOptions<RegistryOptions> options, IModelStore store, IBus bus, TimeProvider time, ILogger<BootstrapModelService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (options.Value.BootstrapDemoModel)
            {
                var started = time.GetTimestamp();
                var bundle = await BootstrapModel.EnsureAsync(options.Value.ModelsFolder, time, stoppingToken);
                var seconds = time.GetElapsedTime(started).TotalSeconds;
                LogReady(bundle.Card.Name, bundle.Card.Version, bundle.Card.Metrics?.Holdout?.Auc ?? double.NaN, seconds);
                await store.AddAsync(bundle, stoppingToken);
                await AnnounceAsync(bundle, BootstrapModel.Options.Trigger, stoppingToken);
            }

            await ImportModelsFolderAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidOperationException or IOException or MongoDB.Driver.MongoException)
        {
            LogFailed(exception);
        }
    }

    // Nothing to do when the store is the models folder itself.
    private async Task ImportModelsFolderAsync(CancellationToken stoppingToken)
    {
        if (store is FolderModelStore)
            return;
        var folder = new FolderModelStore(options.Value.ModelsFolder, NullLogger<FolderModelStore>.Instance);
        foreach (var name in await folder.ModelNamesAsync(stoppingToken))
        {
            foreach (var version in await folder.VersionsAsync(name, stoppingToken))
            {
                if (await folder.FindAsync(name, version, stoppingToken) is { } bundle && await store.AddAsync(bundle, stoppingToken))
                {
                    LogImported(name, version);
                    await AnnounceAsync(bundle, "import", stoppingToken);
                }
            }
        }
    }

    private async Task AnnounceAsync(ModelBundle bundle, string trigger, CancellationToken stoppingToken)
    {
        var location = store is FolderModelStore folder
            ? new Uri(ModelBundle.FolderOf(folder.Root, bundle.Card.Name, bundle.Card.Version) + Path.DirectorySeparatorChar)
            : new Uri($"urn:ml-platform:model:{Uri.EscapeDataString(bundle.Card.Name)}:{Uri.EscapeDataString(bundle.Card.Version)}");
        var registered = new ModelRegistered(bundle.Card.Name, bundle.Card.Version, location, time.GetUtcNow(), trigger);
        try
        {
            await bus.Publish(registered, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not fatal: every service asks for the served models again at its next refresh.
            LogAnnouncementFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bootstrap model could not be announced; services will find it at their next refresh")]
    private partial void LogAnnouncementFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap model {Name} version {Version} is ready (hold-out AUC {Auc:0.0000}, {Seconds:0.0} s)")]
    private partial void LogReady(string name, string version, double auc, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered model {Name} version {Version} from the models folder")]
    private partial void LogImported(string name, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap model could not be prepared or the models folder not registered")]
    private partial void LogFailed(Exception exception);
}
