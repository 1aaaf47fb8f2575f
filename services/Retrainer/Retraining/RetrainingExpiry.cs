using Microsoft.Extensions.Options;

namespace Retrainer.Retraining;

/// <summary>
/// Ends the jobs that waited for an external trainer's version longer than <see cref="RetrainingPolicy.ExternalTimeout"/>
/// as <c>expired</c> (<see cref="RetrainingJobs.ExpireAsync"/>), checking often enough to keep the shortest timeout within
/// a tenth of itself (at most every minute).
/// </summary>
public sealed partial class RetrainingExpiry(RetrainingJobs jobs, IOptions<RetrainingOptions> options, TimeProvider time, ILogger<RetrainingExpiry> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var shortest = settings.Models.Values.Select(model => model.ExternalTimeout).OfType<TimeSpan>().Append(settings.ExternalTimeout).Min();
        var tick = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(1).Ticks));
        using var timer = new PeriodicTimer(tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await jobs.ExpireAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting retraining jobs could not be checked for expiry; trying again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
