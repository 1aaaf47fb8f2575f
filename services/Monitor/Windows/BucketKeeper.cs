using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.References;

namespace Monitor.Windows;

/// <summary>
/// Monitor's clock: every <see cref="MonitoringOptions.SaveInterval"/> it closes the time buckets that ended
/// (saving them and judging the time-window rules), saves the open buckets that changed, checks the stalled
/// rules, sends the registry live references a failed send left unsent, and deletes buckets past the retention. At start it restores the rule states and the buckets of
/// the time window, so a restart continues the windows and the alert states.
/// </summary>
public sealed partial class BucketKeeper(
    MonitoredVersions versions,
    AlertEvaluator alerts,
    BucketStore buckets,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<BucketKeeper> logger) : BackgroundService
{
    private DateTimeOffset _lastRetention = DateTimeOffset.MinValue;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RestoreAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.SaveInterval, time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: close, save, judge, check silence, expire.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var windows in versions.All)
        {
            TimeBucket? closed;
            TimeBucket? open = null;
            lock (windows)
            {
                closed = windows.CloseBucketIfDue(now);
                if (closed is null && windows.OpenChanged)
                {
                    open = Copy(windows.Open);
                    windows.OpenChanged = false;
                }
            }

            var card = windows.Profile.Card;
            // Saved after the lock: until then the closed bucket is only in memory, where VersionTimeline reads it.
            if (closed is not null)
            {
                await SaveAsync(card.Name, card.Version, closed, cancellationToken);
                await alerts.EvaluateAsync(windows, WindowKind.Time, AlertEvaluator.Side.Both, cancellationToken);
            }
            else if (open is not null)
            {
                await SaveAsync(card.Name, card.Version, open, cancellationToken);
            }
        }

        await alerts.CheckStalledAsync(versions.All, cancellationToken);
        await versions.SendLiveReferencesAsync(cancellationToken);
        if (now - _lastRetention >= TimeSpan.FromHours(1))
        {
            _lastRetention = now;
            await buckets.DeleteEndedBeforeAsync(now - options.Value.Retention, cancellationToken);
        }
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await alerts.RestoreAsync(cancellationToken);
            await versions.WaitUntilSyncedAsync(TimeSpan.FromMinutes(2), cancellationToken);
            var now = time.GetUtcNow();
            foreach (var stored in await buckets.ListVersionsAsync(cancellationToken))
            {
                if (versions.Windows(stored.ModelName, stored.ModelVersion) is not { } windows)
                    continue;
                var saved = await buckets.ListAsync(stored.ModelName, stored.ModelVersion, now - options.Value.TimeWindow, now + options.Value.BucketDuration, cancellationToken);
                lock (windows)
                {
                    foreach (var bucket in saved)
                    {
                        var content = BucketContent.FromJson(bucket.AggregateJson);
                        windows.Restore(new TimeBucket(bucket.Start, bucket.End - bucket.Start, content.Predictions, content.Outcomes));
                    }
                }

                LogRestored(logger, saved.Count, stored.ModelName, stored.ModelVersion);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRestoreFailed(logger, exception);
        }
    }

    private Task SaveAsync(string model, string version, TimeBucket bucket, CancellationToken cancellationToken) =>
        buckets.SaveAsync(
            new MonitoringBucket(model, version, bucket.Start, bucket.End, bucket.Predictions.Rows, bucket.Outcomes.Rows,
                new BucketContent(bucket.Predictions, bucket.Outcomes).ToJson()),
            cancellationToken);

    // The open bucket keeps changing under the lock; saving works on a copy.
    private static TimeBucket Copy(TimeBucket bucket)
    {
        var content = BucketContent.FromJson(new BucketContent(bucket.Predictions, bucket.Outcomes).ToJson());
        return bucket with { Predictions = content.Predictions, Outcomes = content.Outcomes };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Buckets} time buckets of {Model} version {Version}")]
    private static partial void LogRestored(ILogger logger, int buckets, string model, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restoring the monitoring windows failed; they start empty")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A monitoring round (closing buckets, saving, alert rules) failed; the next one retries")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
