using Retrainer.Retraining;

namespace Retrainer.Tests.Retraining;

/// <summary>The job lifecycle: one job per model at a time, later triggers recorded as skipped, history newest first, recovery after a restart.</summary>
public sealed class RetrainingJobsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task A_trigger_while_the_models_job_runs_is_recorded_as_skipped_and_not_started()
    {
        using var system = await RetrainingTestSystem.StartAsync();

        var first = await system.Jobs.RequestAsync("flight-delay", RetrainingTriggers.Drift, "drift alert", None);
        // History is newest first by request time: the second request comes a second later.
        system.Time.Now = system.Time.Now.AddSeconds(1);
        var second = await system.Jobs.RequestAsync("flight-delay", RetrainingTriggers.Manual, "by hand", None);

        Assert.NotNull(first);
        Assert.Equal(RetrainingJobState.Running, first.State);
        Assert.NotNull(second);
        Assert.Equal(RetrainingJobState.Skipped, second.State);
        Assert.Equal(first.JobId, second.SkippedBecause);
        Assert.NotNull(second.FinishedAt);
        // Only the first waits for the worker.
        Assert.True(system.Jobs.Queue.TryRead(out var queued));
        Assert.Equal(first.JobId, queued.JobId);
        Assert.False(system.Jobs.Queue.TryRead(out _));
        var history = await system.Jobs.ListAsync("flight-delay", 10, None);
        Assert.Equal([(second.JobId, "skipped", "manual"), (first.JobId, "running", "drift")], history.Select(job => (job.JobId, job.State.Name(), job.Trigger)));
    }

    [SkippableFact]
    public async Task Once_the_job_finished_the_next_trigger_starts_a_new_job()
    {
        using var system = await RetrainingTestSystem.StartAsync();
        var first = (await system.Jobs.RequestAsync("flight-delay", RetrainingTriggers.Schedule, null, None))!;

        await system.Jobs.FinishAsync(first with { State = RetrainingJobState.Failed, Error = "test" }, None);
        var next = await system.Jobs.RequestAsync("flight-delay", RetrainingTriggers.Manual, null, None);

        Assert.Equal(RetrainingJobState.Running, next!.State);
        var stored = await system.Jobs.FindAsync("flight-delay", first.JobId, None);
        Assert.Equal(RetrainingJobState.Failed, stored!.State);
        Assert.NotNull(stored.FinishedAt);
    }

    [SkippableFact]
    public async Task A_model_the_registry_does_not_serve_gets_no_job()
    {
        using var system = await RetrainingTestSystem.StartAsync();

        Assert.Null(await system.Jobs.RequestAsync("unknown", RetrainingTriggers.Manual, null, None));
        Assert.Empty(await system.Jobs.ListAsync("unknown", 10, None));
    }

    [SkippableFact]
    public async Task Jobs_left_running_by_a_stopped_Retrainer_are_marked_failed_and_the_model_trains_again()
    {
        using var system = await RetrainingTestSystem.StartAsync();
        var interrupted = new RetrainingJob
        {
            JobId = "from-before",
            Model = "flight-delay",
            Trigger = RetrainingTriggers.Drift,
            State = RetrainingJobState.Running,
            RequestedAt = system.Time.Now.AddMinutes(-5),
        };
        await system.JobStore.SaveAsync(interrupted, None);

        await system.Jobs.RecoverAsync(None);

        var recovered = await system.Jobs.FindAsync("flight-delay", "from-before", None);
        Assert.Equal(RetrainingJobState.Failed, recovered!.State);
        Assert.Contains("interrupted", recovered.Error, StringComparison.Ordinal);
        Assert.Equal(RetrainingJobState.Running, (await system.Jobs.RequestAsync("flight-delay", RetrainingTriggers.Manual, null, None))!.State);
    }
}
