using System.Threading.Channels;
using Retrainer.Registry;

namespace Retrainer.Retraining;

/// <summary>
/// Takes retraining triggers and keeps one training at a time per model: a trigger while the model's job runs (or
/// waits for an external trainer's version) is stored as <c>skipped</c> (naming that job), not started. Started jobs
/// wait in a queue for <see cref="RetrainingWorker"/>, which trains off the request and consumer threads; a waiting
/// job goes back in the queue when the team's version comes (<see cref="OfferAsync"/>), or ends as <c>expired</c>.
/// </summary>
public sealed partial class RetrainingJobs(
    RetrainingJobStore store, ModelRegistry registry, TimeProvider time, ILogger<RetrainingJobs> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetrainingJob> _waiting = new(StringComparer.Ordinal);
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

    /// <summary>Stores a job's end (the model may train again), or its wait for an external trainer's version.</summary>
    public async Task FinishAsync(RetrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (job.State == RetrainingJobState.Waiting)
            {
                await store.SaveAsync(job, CancellationToken.None);
                _waiting[job.JobId] = job;
                return;
            }

            await store.SaveAsync(job with { FinishedAt = job.FinishedAt ?? time.GetUtcNow() }, CancellationToken.None);
            if (_running.TryGetValue(job.Model, out var running) && running == job.JobId)
                _running.Remove(job.Model);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><paramref name="model"/>'s job <paramref name="jobId"/> when it waits for an external trainer's version, else null.</summary>
    public async Task<RetrainingJob?> WaitingAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _waiting.TryGetValue(jobId, out var waiting) && waiting.Model == model ? waiting : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Hands <paramref name="version"/> (registered, naming the job) to <paramref name="model"/>'s waiting job
    /// <paramref name="jobId"/>: the job runs again, to evaluate it. False when the job no longer waits.
    /// </summary>
    public async Task<bool> OfferAsync(string model, string jobId, string version, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_waiting.Remove(jobId, out var waiting) || waiting.Model != model)
                return false;
            var job = waiting with { State = RetrainingJobState.Running, ChallengerVersion = version };
            await store.SaveAsync(job, CancellationToken.None);
            _queue.Writer.TryWrite(job);
            LogOffered(logger, model, jobId, version);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the waiting jobs whose deadline has passed as <c>expired</c>, with the reason; the models may train again.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            foreach (var job in _waiting.Values.Where(job => job.External!.ExpiresAt <= now).ToList())
            {
                _waiting.Remove(job.JobId);
                _running.Remove(job.Model);
                await store.SaveAsync(job with
                {
                    State = RetrainingJobState.Expired,
                    FinishedAt = now,
                    Error = $"no version naming the job (lineage.retrainingJob) was registered by {job.External!.ExpiresAt:u} (Retraining:ExternalTimeout)",
                }, CancellationToken.None);
                LogExpired(logger, job.Model, job.JobId);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Marks the jobs a previous run of the Retrainer left running (it stopped during them) as failed, so the models
    /// can train again; jobs waiting for an external trainer's version go on waiting.
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
                if (job.State == RetrainingJobState.Waiting)
                {
                    _running[job.Model] = job.JobId;
                    _waiting[job.JobId] = job;
                    continue;
                }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining of {Model} (job {JobId}): version {Version} came from the external trainer")]
    private static partial void LogOffered(ILogger logger, string model, string jobId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining of {Model} (job {JobId}) expired: no version came from the external trainer")]
    private static partial void LogExpired(ILogger logger, string model, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining of {Model} ({Trigger}) skipped: job {Running} is running")]
    private static partial void LogSkipped(ILogger logger, string model, string trigger, string running);
}
