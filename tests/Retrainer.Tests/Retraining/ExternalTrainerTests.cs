using Modeling.Bundles;
using Modeling.Cards;
using Microsoft.Extensions.Logging.Abstractions;
using Retrainer.Retraining;
using Retrainer.Tests.Training;
using Retrainer.Training;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// A model whose team trains its challengers itself (<c>Trainer=external</c>): the job announces what to train on and the
/// hold-out it will judge by, and waits; the team's version, registered naming the job, is scored with the champion on
/// that hold-out and rolled out when it wins; a job whose version does not come ends as <c>expired</c>, and a waiting
/// job survives a restart of the Retrainer.
/// </summary>
public sealed class ExternalTrainerTests
{
    private const string Model = "synthetic-kind";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_job_asks_the_team_and_waits_then_evaluates_the_version_that_names_it_on_the_announced_holdout_and_rolls_it_out()
    {
        using var system = await StartAsync();

        var waiting = await RunQueuedJobAsync(system, (await system.Jobs.RequestAsync(Model, RetrainingTriggers.Drift, "psi 0.4 on x", None))!);

        // Announced: the training rows (the recent window up to the hold-out) with their export link, the hold-out, the deadline.
        Assert.Equal(RetrainingJobState.Waiting, waiting.State);
        var request = Assert.Single(system.Requested.Requests);
        var window = waiting.External!;
        Assert.Equal((waiting.JobId, Model, "1", "multiclass", "drift", "psi 0.4 on x"),
            (request.JobId, request.ModelName, request.ChampionVersion, request.Task, request.Trigger, request.TriggerDetails));
        Assert.Equal((750, 250, EvaluationMetrics.LogLoss), (request.TrainingRows, request.HoldoutRows, request.Metric));
        Assert.Equal((window.TrainingTo, window.HoldoutFrom), (request.TrainingTo, request.HoldoutFrom));
        Assert.Equal(request.TrainingTo, request.HoldoutFrom);
        Assert.Equal(system.Time.Now + TimeSpan.FromDays(7), request.ExpiresAt);
        Assert.Equal($"/api/v1/models/{Model}/retrainings/{waiting.JobId}/training-data?format=csv", request.ExportPath);
        Assert.Equal($"/api/v1/models/{Model}/versions", request.RegisterPath);

        // Meanwhile the model does not train again: a trigger is recorded as skipped.
        var skipped = await system.Jobs.RequestAsync(Model, RetrainingTriggers.Manual, "again", None);
        Assert.Equal((RetrainingJobState.Skipped, waiting.JobId), (skipped!.State, skipped.SkippedBecause));

        // The team trains on the exported window (the rows before the hold-out) and registers its version naming the job.
        var all = await system.Rows.ReadAsync(Model, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, newestFirst: false, None).ToListAsync();
        var rows = all.Where(window.BeforeHoldout).ToList();
        Assert.Equal((750, 250), (rows.Count, all.Count(window.InHoldout)));
        Assert.Equal(all.Max(row => row.ObservedAt) - TimeSpan.FromDays(14), request.TrainingFrom); // the recent window, back from the newest row
        var team = TrainElsewhere(rows, version: "7", waiting.JobId);
        await system.Registry.RegisterAsync(team, "external", None);
        Assert.NotNull(await system.Jobs.WaitingAsync(Model, waiting.JobId, None));
        Assert.True(await system.Jobs.OfferAsync(Model, waiting.JobId, "7", None));
        Assert.False(await system.Jobs.OfferAsync(Model, waiting.JobId, "7", None));

        var evaluated = await RunQueuedJobAsync(system);

        Assert.True(evaluated.State == RetrainingJobState.Succeeded, evaluated.Error);
        Assert.Equal((waiting.JobId, "1", "7"), (evaluated.JobId, evaluated.ChampionVersion, evaluated.ChallengerVersion));
        var evaluation = evaluated.Evaluation!;
        Assert.Equal((EvaluationMetrics.LogLoss, RetrainingDecisions.RolledOut, 250L, 250L),
            (evaluation.Metric, evaluation.Decision, evaluation.Champion.Rows, evaluation.Challenger.Rows));
        Assert.Equal(Math.Log(3), evaluation.Champion.LogLoss!.Value, 4);
        Assert.True(evaluation.Challenger.LogLoss < evaluation.Champion.LogLoss - 0.5, evaluation.Reason);
        var rollout = await system.Rollouts.FindAsync(Model, evaluated.RolloutId!, None);
        Assert.Equal(("7", "canary", $"retraining:{waiting.JobId}"), (rollout!.ChallengerVersion, rollout.Strategy, rollout.StartedBy));

        // The model may train again.
        Assert.Equal(RetrainingJobState.Running, (await system.Jobs.RequestAsync(Model, RetrainingTriggers.Manual, "next", None))!.State);
    }

    [Fact]
    public async Task A_job_whose_version_does_not_come_in_time_expires_with_the_reason_and_the_model_trains_again()
    {
        var options = Options();
        options.Models[Model].ExternalTimeout = TimeSpan.FromHours(2);
        using var system = await StartAsync(options);
        var waiting = await RunQueuedJobAsync(system, (await system.Jobs.RequestAsync(Model, RetrainingTriggers.Manual, "test", None))!);

        system.Time.Now += TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1);
        await system.Jobs.ExpireAsync(None);
        Assert.Equal(RetrainingJobState.Waiting, (await system.Jobs.FindAsync(Model, waiting.JobId, None))!.State);

        system.Time.Now += TimeSpan.FromSeconds(1);
        await system.Jobs.ExpireAsync(None);

        var expired = (await system.Jobs.FindAsync(Model, waiting.JobId, None))!;
        Assert.Equal((RetrainingJobState.Expired, system.Time.Now), (expired.State, expired.FinishedAt));
        Assert.Contains("lineage.retrainingJob", expired.Error, StringComparison.Ordinal);
        Assert.Contains("Retraining:ExternalTimeout", expired.Error, StringComparison.Ordinal);
        Assert.Null(await system.Jobs.WaitingAsync(Model, waiting.JobId, None));
        Assert.False(await system.Jobs.OfferAsync(Model, waiting.JobId, "7", None));
        Assert.Equal(RetrainingJobState.Running, (await system.Jobs.RequestAsync(Model, RetrainingTriggers.Manual, "next", None))!.State);
    }

    [Fact]
    public async Task A_waiting_job_goes_on_waiting_after_the_Retrainer_restarts()
    {
        using var system = await StartAsync();
        var waiting = await RunQueuedJobAsync(system, (await system.Jobs.RequestAsync(Model, RetrainingTriggers.Manual, "test", None))!);

        using var restarted = new RetrainingJobs(system.JobStore, system.Registry, system.Time, NullLogger<RetrainingJobs>.Instance);
        await restarted.RecoverAsync(None);

        Assert.Equal(waiting.JobId, (await restarted.WaitingAsync(Model, waiting.JobId, None))?.JobId);
        Assert.Equal(RetrainingJobState.Skipped, (await restarted.RequestAsync(Model, RetrainingTriggers.Manual, "again", None))!.State);
        Assert.True(await restarted.OfferAsync(Model, waiting.JobId, "7", None));
        Assert.True(restarted.Queue.TryRead(out var queued));
        Assert.Equal(("7", RetrainingJobState.Running), (queued.ChallengerVersion, queued.State));
    }

    // A multiclass model trained elsewhere that learned nothing (a third for each label) serves; 1,000 kept rows.
    private static async Task<RetrainingTestSystem> StartAsync(RetrainingOptions? options = null)
    {
        var card = SyntheticModels.Card(ModelTask.Multiclass, Model);
        var champion = new ModelBundle(card, LinearOnnxModel.Multiclass(new float[SyntheticModels.Columns.Length, 3], [0f, 0f, 0f])).WithChecksum();
        var system = await RetrainingTestSystem.StartWithAsync(champion, options ?? Options());
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Multiclass, Model, 1_000, seed: 3), None);
        return system;
    }

    private static RetrainingOptions Options()
    {
        var options = new RetrainingOptions { MinRows = 200, RecentWindow = TimeSpan.FromDays(14), HoldoutShare = 0.25, RolloutStrategy = "canary" };
        options.Models[Model] = new ModelRetrainingSettings { Trainer = RetrainingTrainers.External };
        return options;
    }

    // The worker's loop for one job: the next queued job (or the one given), run to its end or its wait, stored.
    private static async Task<RetrainingJob> RunQueuedJobAsync(RetrainingTestSystem system, RetrainingJob? job = null)
    {
        if (job is null)
            Assert.True(system.Jobs.Queue.TryRead(out job), "a job was queued");
        else
            Assert.True(system.Jobs.Queue.TryRead(out var queued) && queued.JobId == job.JobId, "the job was queued");
        var finished = await system.Run.ExecuteAsync(job, progress => system.Jobs.SaveAsync(progress, None), None);
        await system.Jobs.FinishAsync(finished, None);
        return (await system.Jobs.FindAsync(Model, job.JobId, None))!;
    }

    // What a team might do with the exported rows: any trainer; here the platform's own, from the champion's card.
    private static ModelBundle TrainElsewhere(IReadOnlyList<LabelledRow> rows, string version, string jobId)
    {
        var examples = rows.Select(row => row.Example()).OfType<TrainingExample>().ToList();
        var trained = new CardTrainer(TimeProvider.System).Train(SyntheticModels.Card(ModelTask.Multiclass, Model), examples[..600], examples[600..],
            new CardTrainingOptions { Version = version, Dataset = "team-export", Trees = 50, Leaves = 8, MinimumRowsPerLeaf = 10 });
        var card = trained.Bundle.Card with { Lineage = trained.Bundle.Card.Lineage! with { RetrainingJob = jobId, Trigger = "external" } };
        return new ModelBundle(card, trained.Bundle.Onnx).WithChecksum();
    }
}
