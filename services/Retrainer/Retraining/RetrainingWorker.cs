namespace Retrainer.Retraining;

/// <summary>
/// Runs the queued retraining jobs one after another, in the background (never in an HTTP request or a consumer). On
/// start it marks jobs a previous run left running as failed. A job that throws fails with the exception's message.
/// </summary>
public sealed partial class RetrainingWorker(RetrainingJobs jobs, RetrainingRun run, ILogger<RetrainingWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await jobs.RecoverAsync(stoppingToken);
        await foreach (var job in jobs.Queue.ReadAllAsync(stoppingToken))
        {
            RetrainingJob finished;
            try
            {
                finished = await run.ExecuteAsync(job, progress => jobs.SaveAsync(progress, stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Left running in the store: the next start marks it interrupted.
                return;
            }
            catch (Exception exception)
            {
                LogCrashed(logger, exception, job.Model, job.JobId);
                finished = job with { State = RetrainingJobState.Failed, Error = $"{exception.GetType().Name}: {exception.Message}" };
            }

            await jobs.FinishAsync(finished, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining {Model} (job {JobId}) threw")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string model, string jobId);
}
