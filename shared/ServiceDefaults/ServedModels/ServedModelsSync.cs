using System.Threading.Channels;
using Contracts.Models;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.ServedModels;

/// <summary>
/// Keeps every <see cref="IServedModelsSink"/> of the host on the registry's list of served models: asks the
/// Retrainer (<see cref="ServedModelsRequest"/>) at start, whenever a <see cref="ModelRegistered"/> or a
/// <see cref="ModelAliasesChanged"/> (the champion moved) arrives,
/// and every <see cref="ServedModelsOptions.RefreshInterval"/>; while the registry does not answer, it
/// retries with a growing delay. A service that starts before the Retrainer therefore catches up by itself.
/// </summary>
public sealed partial class ServedModelsSync(
    IBus bus,
    IEnumerable<IServedModelsSink> sinks,
    IOptions<ServedModelsOptions> options,
    TimeProvider time,
    ILogger<ServedModelsSync> logger) : BackgroundService
{
    private readonly Channel<bool> _refreshRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the sinks have received a list from the registry.</summary>
    public Task FirstSync => _firstSync.Task;

    /// <summary>Fetches the list again soon (coalesced with any refresh already pending).</summary>
    public void RequestRefresh() => _refreshRequests.Writer.TryWrite(true);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        string? lastVersions = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var client = bus.CreateRequestClient<ServedModelsRequest>(RequestTimeout.After(ms: (int)settings.RequestTimeout.TotalMilliseconds));
                var response = await client.GetResponse<ServedModelsResponse>(new ServedModelsRequest(null), stoppingToken);
                var models = response.Message.Models;
                foreach (var sink in sinks)
                    await sink.ApplyAsync(response.Message, stoppingToken);
                _firstSync.TrySetResult();
                // Logged when the list changes, not on every periodic refresh.
                var versions = string.Join(", ", models.Select(model => $"{model.ModelName}:{model.Version}:{model.ArtifactSha256[..8]}"));
                if (versions != lastVersions)
                    LogSynced(models.Count, versions);
                lastVersions = versions;
                failures = 0;
                wait = settings.RefreshInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RequestTimeoutException or RequestFaultException or InvalidOperationException or MassTransitException)
            {
                failures++;
                wait = TimeSpan.FromMilliseconds(Math.Min(settings.MaxRetryDelay.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 10))));
                LogRetrying(failures, wait.TotalSeconds, exception.Message);
            }

            await WaitForRefreshAsync(wait, stoppingToken);
        }
    }

    private async Task WaitForRefreshAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var interval = new CancellationTokenSource(wait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _refreshRequests.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The interval passed without an announcement: ask anyway.
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} model version(s) from the registry: {Versions}")]
    private partial void LogSynced(int count, string versions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry did not answer with the served models (attempt {Attempt}); asking again in {Seconds:0.0} s: {Reason}")]
    private partial void LogRetrying(int attempt, double seconds, string reason);
}
