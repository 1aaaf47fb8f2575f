using Microsoft.Extensions.Options;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Every <see cref="FeedbackOptions.SweepInterval"/>, marks the outcomes that have been pending for longer
/// than <see cref="FeedbackOptions.HoldFor"/> orphaned: they stay stored and counted, but are no longer joined.
/// Every replica may run it: the update only touches outcomes still pending.
/// </summary>
public sealed partial class OrphanSweep(IOutcomeStore store, IOptions<FeedbackOptions> options, FeedbackMetrics metrics, TimeProvider time, ILogger<OrphanSweep> logger)
    : BackgroundService
{
    /// <summary>Orphans the outcomes pending since before <paramref name="now"/> minus the hold time.</summary>
    /// <returns>How many were orphaned.</returns>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orphaned = await store.OrphanPendingAsync(now - options.Value.HoldFor, cancellationToken);
        metrics.Orphaned(orphaned);
        if (orphaned > 0)
            LogOrphaned(orphaned, options.Value.HoldFor);
        return orphaned;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orphaned {Count} outcomes pending for longer than {HoldFor} without a prediction")]
    private partial void LogOrphaned(int count, TimeSpan holdFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for outcomes to orphan failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
