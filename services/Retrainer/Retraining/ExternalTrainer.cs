using Contracts.Retraining;

namespace Retrainer.Retraining;

/// <summary>
/// The Retrainer's side of a model whose team trains its challengers itself (<c>Retraining:Models:&lt;model&gt;:Trainer=external</c>):
/// a job does not train; it announces <see cref="RetrainingRequested"/> — the training rows' window with their export
/// link, the hold-out the version will be scored on, the metric and margin, the deadline — through
/// <see cref="IRetrainingEvents"/> (<c>platform.events</c> and <c>Retraining:Webhooks</c>), and waits.
/// </summary>
public sealed partial class ExternalTrainer(IRetrainingEvents events, TimeProvider time, ILogger<ExternalTrainer> logger)
{
    /// <summary>
    /// Announces <paramref name="job"/> (running, its data chosen) and returns it waiting. The training rows are the
    /// policy's window (<c>recent</c>: the recent window; <c>recent-plus-earlier</c>: every kept row) up to the hold-out,
    /// exported by the job (<c>…/retrainings/{jobId}/training-data</c>) so that no hold-out row is among them.
    /// </summary>
    public async Task<RetrainingJob> RequestAsync(
        RetrainingJob job, string task, string metric, TrainingDataSelection selection, RetrainingPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(policy);
        var (first, last) = (selection.Holdout[0], selection.Holdout[^1]);
        DateTimeOffset? trainingFrom = policy.Policy == RetrainingPolicies.RecentPlusEarlier ? null : selection.RecentFrom;
        var model = Uri.EscapeDataString(job.Model);
        var export = $"/api/v1/models/{model}/retrainings/{job.JobId}/training-data?format=csv";
        var now = time.GetUtcNow();
        var external = new ExternalTraining(trainingFrom, first.ObservedAt, first.ObservedAt, first.OutcomeId, last.ObservedAt, last.OutcomeId, export, now + policy.ExternalTimeout);
        var request = new RetrainingRequested(
            job.JobId, job.Model, job.ChampionVersion!, task, job.Trigger, job.TriggerDetails,
            trainingFrom, first.ObservedAt, selection.Training.Count, first.ObservedAt, last.ObservedAt, selection.Holdout.Count,
            export, $"/api/v1/models/{model}/versions", metric, policy.Margin, now, external.ExpiresAt);

        await events.RequestedAsync(request, cancellationToken);
        LogRequested(logger, job.Model, job.JobId, selection.Training.Count, selection.Holdout.Count, external.ExpiresAt);
        return job with { State = RetrainingJobState.Waiting, External = external };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Model} (job {JobId}): asked the external trainer for a version ({TrainingRows} training rows, {HoldoutRows} held out), waiting until {ExpiresAt}")]
    private static partial void LogRequested(ILogger logger, string model, string jobId, int trainingRows, int holdoutRows, DateTimeOffset expiresAt);
}
