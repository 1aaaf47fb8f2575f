using Contracts.Models;
using MassTransit;
using Microsoft.Extensions.Options;
using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// Makes sure the bootstrap model exists when the Retrainer starts (trains it in the background the first
/// time) and announces it, so services that asked for the served models before it existed load it now.
/// </summary>
public sealed partial class BootstrapModelService(
    IOptions<RegistryOptions> options, IBus bus, TimeProvider time, ILogger<BootstrapModelService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BootstrapDemoModel)
            return;
        try
        {
            var started = time.GetTimestamp();
            var bundle = await BootstrapModel.EnsureAsync(options.Value.ModelsFolder, time, stoppingToken);
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            LogReady(bundle.Card.Name, bundle.Card.Version, bundle.Card.Metrics?.Holdout?.Auc ?? double.NaN, seconds);
            await AnnounceAsync(bundle, stoppingToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidOperationException or IOException)
        {
            LogFailed(exception);
        }
    }

    private async Task AnnounceAsync(ModelBundle bundle, CancellationToken stoppingToken)
    {
        var folder = ModelBundle.FolderOf(Path.GetFullPath(options.Value.ModelsFolder), bundle.Card.Name, bundle.Card.Version);
        var registered = new ModelRegistered(
            bundle.Card.Name, bundle.Card.Version, new Uri(folder + Path.DirectorySeparatorChar), time.GetUtcNow(), BootstrapModel.Options.Trigger);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap model could not be prepared")]
    private partial void LogFailed(Exception exception);
}
