using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Retraining;
using Retrainer.Tests.Training;
using Xunit.Abstractions;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// Whole retraining jobs, through the job machinery (<see cref="RetrainingJobs"/>, <see cref="RetrainingRun"/>, the job
/// store), of models that are not the flights demo and whose champions were trained elsewhere: linear ONNX models written
/// without ML.NET (<see cref="LinearOnnxModel"/>), as a team brings its own. The challenger is trained from the
/// champion's card on the kept rows, judged by the task's metric, and the stored job keeps the numbers.
/// </summary>
public sealed class AnyModelRetrainingTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_multiclass_model_trained_elsewhere_gets_a_challenger_judged_on_log_loss_and_the_job_keeps_the_numbers()
    {
        // A team's model that learned nothing: the same score for every label, so a third for each.
        var card = SyntheticModels.Card(ModelTask.Multiclass, "synthetic-kind");
        var champion = new ModelBundle(card, LinearOnnxModel.Multiclass(new float[SyntheticModels.Columns.Length, 3], [0f, 0f, 0f])).WithChecksum();
        using var system = await RetrainingTestSystem.StartWithAsync(champion, Options());
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Multiclass, card.Name, 1_000, seed: 3), None);

        var job = await RunToTheEndAsync(system, card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        var evaluation = job.Evaluation!;
        Assert.Equal((EvaluationMetrics.LogLoss, "multiclass", "lower", 0.005), (evaluation.Metric, evaluation.Task, evaluation.Better, evaluation.Margin));
        Assert.Equal(RetrainingDecisions.RolledOut, evaluation.Decision);
        Assert.Equal(Math.Log(3), evaluation.Champion.LogLoss!.Value, 4);
        Assert.True(evaluation.Challenger.LogLoss < evaluation.Champion.LogLoss - 0.5, evaluation.Reason);
        Assert.True(evaluation.Challenger.Accuracy > 0.8 && evaluation.Challenger.MacroF1 > 0.8, $"accuracy {evaluation.Challenger.Accuracy}, macro-F1 {evaluation.Challenger.MacroF1}");
        Assert.NotNull(evaluation.Champion.MacroF1);
        Assert.Null(evaluation.Challenger.Auc);
        Assert.Equal((250, 250L, 250L), (job.Data!.HoldoutRows, evaluation.Champion.Rows, evaluation.Challenger.Rows));
        Assert.Contains("challenger log loss", evaluation.Reason, StringComparison.Ordinal);

        // Registered with the champion's input tensor and output names, so it can replace the team's model, and rolled out.
        Assert.Equal(("1", "2"), (job.ChampionVersion, job.ChallengerVersion));
        var challenger = (await system.Registry.FindAsync(card.Name, "2", None))!.Card;
        Assert.Equal(card.Input.Name, challenger.Input.Name);
        Assert.Equal(card.Input.Columns, challenger.Input.Columns);
        Assert.Equal((card.Output.Probability, card.Output.Score), (challenger.Output.Probability, challenger.Output.Score));
        Assert.Equal(card.Output.Labels, challenger.Output.Labels);
        Assert.Equal(("manual", "1", RetrainingRun.LabelledRowsDataset), (challenger.Lineage!.Trigger, challenger.Lineage.ParentVersion, challenger.Lineage.Dataset));
        Assert.Equal((250L, "training"), (challenger.Metrics!.Multiclass!.Rows, challenger.Reference!.Source));
        var rollout = await system.Rollouts.FindAsync(card.Name, job.RolloutId!, None);
        Assert.Equal(("2", "canary"), (rollout!.ChallengerVersion, rollout.Strategy));
    }

    [Theory]
    [InlineData(0.5, RetrainingDecisions.RolledOut)]
    [InlineData(100, RetrainingDecisions.Rejected)]
    public async Task A_regression_model_is_judged_on_the_metric_and_margin_set_for_it(double margin, string decision)
    {
        // A team's linear model that knows x and the hour, not the colour or the shape.
        var card = SyntheticModels.Card(ModelTask.Regression, "synthetic-price");
        var weights = new float[SyntheticModels.Columns.Length];
        (weights[0], weights[6]) = (3f, 0.5f);
        var champion = new ModelBundle(card, LinearOnnxModel.Regression(weights, 2f)).WithChecksum();
        var options = Options();
        options.Models[card.Name] = new ModelRetrainingSettings { Metric = EvaluationMetrics.Mae, Margin = margin };
        using var system = await RetrainingTestSystem.StartWithAsync(champion, options);
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Regression, card.Name, 1_000, seed: 4), None);

        var job = await RunToTheEndAsync(system, card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        var evaluation = job.Evaluation!;
        Assert.Equal((EvaluationMetrics.Mae, "regression", "lower", margin, decision), (evaluation.Metric, evaluation.Task, evaluation.Better, evaluation.Margin, evaluation.Decision));
        Assert.True(evaluation.Challenger.Mae < evaluation.Champion.Mae - 0.5, evaluation.Reason);
        Assert.NotNull(evaluation.Champion.Rmse);
        Assert.Equal((null, null), (evaluation.Champion.Auc, evaluation.Champion.LogLoss));
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"- margin {margin:0.0000}"), evaluation.Reason, StringComparison.Ordinal);
        var versions = (await system.Registry.VersionsAsync(card.Name, None))!.Versions.Select(version => version.Version);
        Assert.Equal(decision == RetrainingDecisions.RolledOut ? ["1", "2"] : ["1"], versions.Order());
    }

    [Fact]
    public async Task A_metric_set_for_a_model_that_does_not_fit_its_task_fails_the_job_naming_the_setting()
    {
        var card = SyntheticModels.Card(ModelTask.Regression, "synthetic-price");
        var champion = new ModelBundle(card, LinearOnnxModel.Regression(new float[SyntheticModels.Columns.Length], 0f)).WithChecksum();
        var options = Options();
        options.Models[card.Name] = new ModelRetrainingSettings { Metric = EvaluationMetrics.Auc };
        using var system = await RetrainingTestSystem.StartWithAsync(champion, options);
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Regression, card.Name, 300, seed: 4), None);

        var job = await RunToTheEndAsync(system, card.Name);

        Assert.Equal(RetrainingJobState.Failed, job.State);
        Assert.Contains("Retraining:Models:synthetic-price:Metric", job.Error, StringComparison.Ordinal);
        Assert.Contains("use one of rmse, mae", job.Error, StringComparison.Ordinal);
        Assert.Null(job.Evaluation);
    }

    // Small, fast challengers (the champions' cards name no hyperparameters); the hold-out the newest quarter.
    private static RetrainingOptions Options() => new()
    {
        Trees = 100,
        Leaves = 8,
        MinimumRowsPerLeaf = 10,
        MinRows = 200,
        RecentWindow = TimeSpan.FromDays(14),
        HoldoutShare = 0.25,
        RolloutStrategy = "canary",
    };

    // As the worker runs a job: requested, run with its progress stored, finished; then read back from the store.
    private async Task<RetrainingJob> RunToTheEndAsync(RetrainingTestSystem system, string model)
    {
        var requested = await system.Jobs.RequestAsync(model, RetrainingTriggers.Manual, "test", None);
        Assert.NotNull(requested);
        var finished = await system.Run.ExecuteAsync(requested, progress => system.Jobs.SaveAsync(progress, None), None);
        await system.Jobs.FinishAsync(finished, None);
        var stored = await system.Jobs.FindAsync(model, requested.JobId, None);
        Assert.NotNull(stored);
        Assert.Equal(finished.Evaluation?.Decision, stored.Evaluation?.Decision);
        output.WriteLine($"job {stored.JobId}: {stored.State}; {stored.Evaluation?.Reason ?? stored.Error}");
        return stored;
    }
}
