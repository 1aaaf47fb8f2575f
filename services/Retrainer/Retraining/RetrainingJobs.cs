using System.Threading.Channels;
using Retrainer.Registry;

namespace Retrainer.Retraining;

/// <summary>
/// Takes retraining triggers and keeps one training at a time per model: a trigger while the model's job runs is
/// stored as <c>skipped</c> (naming the running job), not started. Started jobs wait in a queue for
/// <see cref="RetrainingWorker"/>, which trains off the request and consumer threads.
/// </summary>
public sealed partial class RetrainingJobs(
    RetrainingJobStore store, ModelRegistry registry, TimeProvider time, ILogger<RetrainingJobs> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly Channel<RetrainingJob> _queue = Channel.CreateUnbounded<RetrainingJob>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The started jobs, in order, for the worker.</summary>
    public ChannelReader<RetrainingJob> Queue => _queue.Reader;

    /// <summary>
    /// Records a trigger: a <c>running</c> job queued for training, or a <c>skipped</c> one when the model's job runs.
    /// Null when the registry serves no version of <paramref name="model"/>.
    /// </summary>
    public async Task<RetrainingJob?> RequestAsync(string model, string trigger, string? details, CancellationToken cancellationToken)
    {
        if (await registry.ServedVersionAsync(model, cancellationToken) is null)
            return null;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var job = new RetrainingJob
            {
                JobId = Guid.NewGuid().ToString("N"),
                Model = model,
                Trigger = trigger,
                TriggerDetails = details,
                State = RetrainingJobState.Running,
                RequestedAt = now,
            };
            if (_running.TryGetValue(model, out var running))
            {
                job = job with { State = RetrainingJobState.Skipped, SkippedBecause = running, FinishedAt = now };
                await store.SaveAsync(job, CancellationToken.None);
                LogSkipped(logger, model, trigger, running);
                return job;
            }

            await store.SaveAsync(job, CancellationToken.None);
            _running[model] = job.JobId;
            _queue.Writer.TryWrite(job);
            LogRequested(logger, model, trigger, job.JobId);
            return job;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stores a running job's progress.</summary>
    public Task SaveAsync(RetrainingJob job, CancellationToken cancellationToken) => store.SaveAsync(job, cancellationToken);

    /// <summary>Stores a job's end; the model may train again.</summary>
    public async Task FinishAsync(RetrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await store.SaveAsync(job with { FinishedAt = job.FinishedAt ?? time.GetUtcNow() }, CancellationToken.None);
            if (_running.TryGetValue(job.Model, out var running) && running == job.JobId)
                _running.Remove(job.Model);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Marks the jobs a previous run of the Retrainer left running (it stopped during them) as failed, so the models
    /// can train again.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var job in await store.RunningAsync(cancellationToken))
            {
                if (_running.ContainsValue(job.JobId))
                    continue;
                await store.SaveAsync(job with
                {
                    State = RetrainingJobState.Failed,
                    FinishedAt = time.GetUtcNow(),
                    Error = "interrupted: the Retrainer stopped before the job finished",
                }, CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One job of a model, or null.</summary>
    public Task<RetrainingJob?> FindAsync(string model, string jobId, CancellationToken cancellationToken) => store.FindAsync(model, jobId, cancellationToken);

    /// <summary>The model's jobs, newest first.</summary>
    public Task<IReadOnlyList<RetrainingJob>> ListAsync(string model, int limit, CancellationToken cancellationToken) => store.ListAsync(model, limit, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining of {Model} requested ({Trigger}): job {JobId}")]
    private static partial void LogRequested(ILogger logger, string model, string trigger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining of {Model} ({Trigger}) skipped: job {Running} is running")]
    private static partial void LogSkipped(ILogger logger, string model, string trigger, string running);
}
