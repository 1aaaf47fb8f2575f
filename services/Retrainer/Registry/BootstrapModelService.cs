using Microsoft.Extensions.Options;
using Retrainer.Demo;

namespace Retrainer.Registry;

/// <summary>
/// When the Retrainer starts: registers the bundles of the models folder that the model store does not have
/// (<see cref="ModelsFolderImport"/>: bundles trained by the command line or copied in, a registry from before the
/// document store) before the bus delivers requests, announces them, and makes sure the bootstrap model exists (trains
/// it in the background the first time; the first version of a model becomes its champion), so services that asked for
/// the served models before they existed load them now.
/// </summary>
public sealed partial class BootstrapModelService(
    IOptions<RegistryOptions> options, ModelStore store, ModelRegistry registry, TimeProvider time, ILogger<BootstrapModelService> logger) : BackgroundService
{
    private IReadOnlyList<StoredVersion> _imported = [];

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _imported = await ModelsFolderImport.ImportAsync(store, options.Value.ModelsFolder, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or MongoDB.Driver.MongoException)
        {
            LogFailed(exception);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var version in _imported)
            {
                LogImported(version.ModelName, version.Version);
                await registry.AnnounceAsync(version.ModelName, version.Version, "import", version.RegisteredAt, stoppingToken);
            }

            if (options.Value.BootstrapDemoModel)
                await BootstrapAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidOperationException or IOException or MongoDB.Driver.MongoException)
        {
            LogFailed(exception);
        }
    }

    private async Task BootstrapAsync(CancellationToken stoppingToken)
    {
        var trigger = BootstrapModel.Options.Trigger;
        // Versions registered from the models folder at this start do not count: the model's first version becomes its
        // champion whether training or that import stored it.
        var hadModel = (await store.VersionsAsync(FlightDelayModel.Name, stoppingToken)).Count > _imported.Count(version => version.ModelName == FlightDelayModel.Name);
        var started = time.GetTimestamp();
        var bundle = await BootstrapModel.EnsureAsync(options.Value.ModelsFolder, time, stoppingToken);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        LogReady(bundle.Card.Name, bundle.Card.Version, bundle.Card.Metrics?.Holdout?.Auc ?? double.NaN, seconds);

        var registration = await registry.RegisterAsync(bundle, trigger, stoppingToken);
        if (registration.Outcome == RegistrationOutcome.Registered)
            return;

        // The bundle was in the store already (registered from the models folder): the first version of the model still
        // becomes its champion. A model that was there before keeps its aliases.
        if (!hadModel)
            await registry.EnsureChampionAsync(bundle.Card.Name, stoppingToken);
        await registry.AnnounceAsync(bundle.Card.Name, bundle.Card.Version, trigger, registration.Version?.RegisteredAt ?? time.GetUtcNow(), stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap model {Name} version {Version} is ready (hold-out AUC {Auc:0.0000}, {Seconds:0.0} s)")]
    private partial void LogReady(string name, string version, double auc, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered model {Name} version {Version} from the models folder")]
    private partial void LogImported(string name, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap model could not be prepared or the models folder not registered")]
    private partial void LogFailed(Exception exception);
}
