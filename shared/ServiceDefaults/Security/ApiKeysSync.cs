using Contracts.Security;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Security;

/// <summary>
/// Keeps the process's <see cref="ApiKeyDirectory"/> on the key owner's list: asks for it (<see cref="ApiKeysRequest"/>)
/// at start, retrying with a growing delay until the owner answers, then every <see cref="RefreshInterval"/> (a missed
/// <see cref="ApiKeysChanged"/> announcement, which <see cref="ApiKeysChangedConsumer"/> applies at once, is made up for
/// then).
/// </summary>
public sealed partial class ApiKeysSync(IBus bus, ApiKeyDirectory directory, TimeProvider time, ILogger<ApiKeysSync> logger) : BackgroundService
{
    /// <summary>How often the list is asked for again after the first answer.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var client = bus.CreateRequestClient<ApiKeysRequest>(RequestTimeout.After(s: 5));
                var response = await client.GetResponse<ApiKeysChanged>(new ApiKeysRequest(), stoppingToken);
                var first = !directory.IsLoaded;
                directory.Update(response.Message);
                if (first || failures > 0)
                    LogLoaded(logger, response.Message.Keys.Count);
                failures = 0;
                wait = RefreshInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RequestTimeoutException or RequestFaultException or MassTransitException)
            {
                failures++;
                wait = TimeSpan.FromMilliseconds(Math.Min(LongestRetry.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
                LogRetrying(logger, failures, wait.TotalSeconds, exception.Message);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checking requests against the platform's {Count} API key(s)")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key owner did not answer with the API keys (attempt {Attempt}); asking again in {Seconds:0.0} s: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, double seconds, string reason);
}

/// <summary>Applies the key owner's announcements to the process's directory. Every process has its own temporary queue for it.</summary>
public sealed class ApiKeysChangedConsumer(ApiKeyDirectory directory) : IConsumer<ApiKeysChanged>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ApiKeysChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        directory.Update(context.Message);
        return Task.CompletedTask;
    }
}
