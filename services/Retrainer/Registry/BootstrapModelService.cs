using Microsoft.Extensions.Options;

namespace Retrainer.Registry;

/// <summary>Makes sure the bootstrap model exists when the Retrainer starts (trains it in the background the first time).</summary>
public sealed partial class BootstrapModelService(
    IOptions<RegistryOptions> options, TimeProvider time, ILogger<BootstrapModelService> logger) : BackgroundService
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
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidOperationException or IOException)
        {
            LogFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap model {Name} version {Version} is ready (hold-out AUC {Auc:0.0000}, {Seconds:0.0} s)")]
    private partial void LogReady(string name, string version, double auc, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bootstrap model could not be prepared")]
    private partial void LogFailed(Exception exception);
}
