using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Retraining;
using Retrainer.Tests.Training;
using Retrainer.Training;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// Champion against challenger on the same hold-out, for each task, with models trained on seeded synthetic data: a
/// good one (trained on the data) and a clearly worse one (trained on the same rows with their outcomes dealt at
/// random). The decision follows the task's metric in its direction and the margin, both ways.
/// </summary>
public sealed class ChampionChallengerEvaluationTests
{
    private static readonly Lazy<Dictionary<ModelTask, (ModelBundle Good, ModelBundle Bad, List<LabelledRow> Holdout)>> Models = new(TrainAll);

    public static TheoryData<ModelTask, string, string> Defaults => new()
    {
        { ModelTask.Binary, EvaluationMetrics.Auc, "higher" },
        { ModelTask.Multiclass, EvaluationMetrics.LogLoss, "lower" },
        { ModelTask.Regression, EvaluationMetrics.Rmse, "lower" },
    };

    public static TheoryData<ModelTask, string> Metrics => new()
    {
        { ModelTask.Binary, EvaluationMetrics.Auc },
        { ModelTask.Binary, EvaluationMetrics.LogLoss },
        { ModelTask.Multiclass, EvaluationMetrics.LogLoss },
        { ModelTask.Multiclass, EvaluationMetrics.MacroF1 },
        { ModelTask.Regression, EvaluationMetrics.Rmse },
        { ModelTask.Regression, EvaluationMetrics.Mae },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void A_clearly_better_challenger_wins_and_a_clearly_worse_one_is_rejected_on_the_tasks_metric(ModelTask task, string metric, string better)
    {
        var (good, bad, holdout) = Models.Value[task];

        var won = ChampionChallengerEvaluation.Evaluate(bad, good, holdout, margin: 0);
        var lost = ChampionChallengerEvaluation.Evaluate(good, bad, holdout, margin: 0);

        Assert.Equal((metric, better, ChampionChallengerEvaluation.TaskName(task)), (won.Metric, won.Better, won.Task));
        Assert.Equal(RetrainingDecisions.RolledOut, won.Decision);
        Assert.EndsWith("the challenger wins", won.Reason, StringComparison.Ordinal);
        Assert.Equal(RetrainingDecisions.Rejected, lost.Decision);
        Assert.EndsWith("the champion stays", lost.Reason, StringComparison.Ordinal);
        // The direction: the good model's number is the better one, higher or lower as the metric says.
        var (goodValue, badValue) = (EvaluationMetrics.ValueOf(won.Challenger, metric)!.Value, EvaluationMetrics.ValueOf(won.Champion, metric)!.Value);
        Assert.True(better == "higher" ? goodValue > badValue : goodValue < badValue, won.Reason);
        Assert.Equal((won.Champion, won.Challenger), (lost.Challenger, lost.Champion));
        Assert.Equal(holdout.Count, won.Champion.Rows);
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Each_version_keeps_the_numbers_of_its_task_and_no_others(ModelTask task, string metric, string better)
    {
        var (good, bad, holdout) = Models.Value[task];

        var numbers = ChampionChallengerEvaluation.Evaluate(bad, good, holdout, margin: 0).Challenger;

        Assert.NotNull(EvaluationMetrics.ValueOf(numbers, metric));
        Assert.Equal("2", numbers.Version);
        switch (task)
        {
            case ModelTask.Binary:
                Assert.Equal((true, true, true), (numbers.Auc is not null, numbers.Accuracy is not null, numbers.LogLoss is not null));
                Assert.Equal((null, null, null, null), (numbers.MacroF1, numbers.Rmse, numbers.Mae, numbers.RSquared));
                break;
            case ModelTask.Multiclass:
                Assert.Equal((true, true, true), (numbers.Accuracy is not null, numbers.LogLoss is not null, numbers.MacroF1 is not null));
                Assert.Equal((null, null, null, null), (numbers.Auc, numbers.Rmse, numbers.Mae, numbers.RSquared));
                break;
            default:
                Assert.Equal((true, true, true), (numbers.Rmse is not null, numbers.Mae is not null, numbers.RSquared is not null));
                Assert.Equal((null, null, null, null), (numbers.Auc, numbers.Accuracy, numbers.LogLoss, numbers.MacroF1));
                break;
        }

        Assert.Equal(better, EvaluationMetrics.HigherIsBetter(metric) ? "higher" : "lower");
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void The_margin_decides_both_ways_on_the_same_two_models(ModelTask task, string metric)
    {
        var (good, bad, holdout) = Models.Value[task];
        var measured = ChampionChallengerEvaluation.Evaluate(bad, good, holdout, margin: 0, metric);
        var (challenger, champion) = (EvaluationMetrics.ValueOf(measured.Challenger, metric)!.Value, EvaluationMetrics.ValueOf(measured.Champion, metric)!.Value);
        var gain = EvaluationMetrics.HigherIsBetter(metric) ? challenger - champion : champion - challenger;

        var justEnough = ChampionChallengerEvaluation.Evaluate(bad, good, holdout, gain - 1e-9, metric);
        var justShort = ChampionChallengerEvaluation.Evaluate(bad, good, holdout, gain + 1e-9, metric);

        Assert.True(gain > 0, measured.Reason);
        Assert.Equal(RetrainingDecisions.RolledOut, justEnough.Decision);
        Assert.Equal(RetrainingDecisions.Rejected, justShort.Decision);
        Assert.Equal((gain + 1e-9, metric), (justShort.Margin, justShort.Metric));
        Assert.Equal(measured.Champion, justShort.Champion);
        Assert.Equal(measured.Challenger, justShort.Challenger);
        Assert.Contains(EvaluationMetrics.HigherIsBetter(metric) ? "+ margin" : "- margin", justShort.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_margin_lets_a_somewhat_worse_challenger_win()
    {
        var (good, bad, holdout) = Models.Value[ModelTask.Regression];
        var measured = ChampionChallengerEvaluation.Evaluate(good, bad, holdout, margin: 0);
        var loss = measured.Challenger.Rmse!.Value - measured.Champion.Rmse!.Value;

        Assert.Equal(RetrainingDecisions.Rejected, measured.Decision);
        Assert.Equal(RetrainingDecisions.RolledOut, ChampionChallengerEvaluation.Evaluate(good, bad, holdout, -(loss + 1e-9)).Decision);
    }

    [Fact]
    public void A_metric_that_does_not_fit_the_task_is_refused()
    {
        var (good, bad, holdout) = Models.Value[ModelTask.Regression];

        var exception = Assert.Throws<ArgumentException>(() => ChampionChallengerEvaluation.Evaluate(bad, good, holdout, 0, EvaluationMetrics.Auc));

        Assert.Contains("a regression model is not compared on 'auc'; use one of rmse, mae", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binary_hold_out_of_one_class_has_no_AUC_and_rejects_the_challenger()
    {
        var one = new EvaluatedVersion("1", null, 1, 0.1, 50);
        var two = new EvaluatedVersion("2", null, 1, 0.05, 50);

        var (decision, reason) = ChampionChallengerEvaluation.Decide(one, two, EvaluationMetrics.Auc, 0);

        Assert.Equal(RetrainingDecisions.Rejected, decision);
        Assert.Contains("one class only", reason, StringComparison.Ordinal);
    }

    // Per task: version 2 trained on 800 rows, version 3 on the same rows with their outcomes shuffled; a hold-out of
    // 400 rows of another seed.
    private static Dictionary<ModelTask, (ModelBundle Good, ModelBundle Bad, List<LabelledRow> Holdout)> TrainAll()
    {
        var trainer = new CardTrainer(new ManualClock());
        var models = new Dictionary<ModelTask, (ModelBundle, ModelBundle, List<LabelledRow>)>();
        foreach (var task in new[] { ModelTask.Binary, ModelTask.Multiclass, ModelTask.Regression })
        {
            var card = SyntheticModels.Card(task, $"synthetic-{task.ToString().ToLowerInvariant()}");
            var good = trainer.Train(card, SyntheticModels.Examples(SyntheticModels.Rows(task, card.Name, 800, seed: 1)), [], SyntheticModels.Training("2"));
            var bad = trainer.Train(card, SyntheticModels.Examples(SyntheticModels.Rows(task, card.Name, 800, seed: 1, shuffled: true)), [], SyntheticModels.Training("3"));
            models[task] = (good.Bundle, bad.Bundle, SyntheticModels.Rows(task, card.Name, 400, seed: 2));
        }

        return models;
    }
}
