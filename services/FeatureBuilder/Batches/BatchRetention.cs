using Microsoft.Extensions.Options;

namespace FeatureBuilder.Batches;

/// <summary>
/// Deletes finished batches whose retention is over (<see cref="BatchOptions.Retention"/>), with their results
/// and their uploaded input, every <see cref="BatchOptions.RetentionSweepInterval"/>.
/// </summary>
public sealed partial class BatchRetention(BatchStore store, BatchInputs inputs, IOptions<BatchOptions> options, TimeProvider time, ILogger<BatchRetention> logger)
    : BackgroundService
{
    /// <summary>Deletes the batches expired at <paramref name="now"/>.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var expired in await store.ListExpiredAsync(now, cancellationToken))
        {
            if (await store.DeleteAsync(expired.Id, cancellationToken) is { } batch)
            {
                inputs.DeleteUpload(batch);
                deleted++;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired batches")]
    private partial void LogDeleted(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for expired batches failed; trying again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
