using Microsoft.Extensions.Options;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Every <see cref="FeedbackOptions.SweepInterval"/>: marks the outcomes that have been pending for longer than
/// <see cref="FeedbackOptions.HoldFor"/> orphaned (they stay stored and counted, but are no longer joined), and
/// publishes the events of outcomes joined more than <see cref="OutcomeJoiner.RepublishAfter"/> ago whose writer
/// stopped or failed before publishing them. Every replica may run it: the updates only touch outcomes in those states.
/// </summary>
public sealed partial class OutcomeSweep(
    OutcomeStore store, OutcomeJoiner joiner, IOptions<FeedbackOptions> options, FeedbackMetrics metrics, TimeProvider time, ILogger<OutcomeSweep> logger)
    : BackgroundService
{
    /// <summary>Orphans the outcomes pending since before <paramref name="now"/> minus the hold time.</summary>
    /// <returns>How many were orphaned.</returns>
    public async Task<int> OrphanAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orphaned = await store.OrphanPendingAsync(now - options.Value.HoldFor, cancellationToken);
        metrics.Orphaned(orphaned);
        if (orphaned > 0)
            LogOrphaned(orphaned, options.Value.HoldFor);
        return orphaned;
    }

    /// <summary>Publishes the events of outcomes joined before <paramref name="now"/> minus <see cref="OutcomeJoiner.RepublishAfter"/> and never published.</summary>
    /// <returns>How many outcomes' events were published.</returns>
    public Task<int> RepublishAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        joiner.RepublishAsync(now - OutcomeJoiner.RepublishAfter, cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                await OrphanAsync(now, stoppingToken);
                await RepublishAsync(now, stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome sweep failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
