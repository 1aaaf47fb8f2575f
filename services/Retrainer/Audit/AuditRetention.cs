using Microsoft.Extensions.Options;

namespace Retrainer.Audit;

/// <summary>Deletes the audit entries older than <see cref="AuditOptions.Retention"/>, at start and every <see cref="SweepInterval"/>.</summary>
public sealed partial class AuditRetention(AuditStore store, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> logger) : BackgroundService
{
    /// <summary>How often expired entries are looked for.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    /// <summary>Deletes the entries expired at <paramref name="now"/>; returns how many.</summary>
    public Task<long> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        store.DeleteBeforeAsync(now - options.Value.Retention, cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        do
        {
            try
            {
                var deleted = await SweepAsync(time.GetUtcNow(), stoppingToken);
                if (deleted > 0)
                    LogDeleted(deleted);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit entries past their retention")]
    private partial void LogDeleted(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for expired audit entries failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
