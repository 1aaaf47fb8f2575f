using Microsoft.Extensions.Options;
using Retrainer.Registry;

namespace Retrainer.Retraining;

/// <summary>
/// Triggers a retraining of each served model every <see cref="RetrainingPolicy.ScheduleInterval"/> (wall-clock time,
/// counted from the Retrainer's start); off for a model without an interval. A scheduled trigger while the model's job
/// runs is recorded as skipped, like any other.
/// </summary>
public sealed partial class RetrainingSchedule(
    RetrainingJobs jobs, ModelRegistry registry, IOptions<RetrainingOptions> options, TimeProvider time, ILogger<RetrainingSchedule> logger) : BackgroundService
{
    private static readonly TimeSpan LongestTick = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var intervals = settings.Models.Values.Select(model => model.ScheduleInterval).Append(settings.ScheduleInterval).OfType<TimeSpan>().ToList();
        if (intervals.Count == 0)
            return;
        // Checked often enough that the shortest interval is kept within a tenth of itself.
        var tick = TimeSpan.FromTicks(Math.Clamp(intervals.Min().Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, LongestTick.Ticks));
        var started = time.GetUtcNow();
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var served in await registry.ServedAsync(null, stoppingToken))
                {
                    var policy = settings.For(served.ModelName);
                    if (!policy.Enabled || policy.ScheduleInterval is not { } interval)
                        continue;
                    var now = time.GetUtcNow();
                    if (now - last.GetValueOrDefault(served.ModelName, started) < interval)
                        continue;
                    last[served.ModelName] = now;
                    await jobs.RequestAsync(served.ModelName, RetrainingTriggers.Schedule, $"every {interval}", stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogScheduleFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retraining schedule could not check the models; it tries again at the next tick")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception);
}
