using Modeling.Cards;
using Modeling.Scoring;
using Retrainer.Training;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

/// <summary>
/// The trainer for any card, on models that are not the flights demo (seeded synthetic data, one card per task with
/// numeric, one-hot, index and timestamp features): the bundle it writes is a valid card that keeps the card's input
/// tensor, output names, labels, label rule and monitoring, with fresh statistics, the task's metrics on the hold-out and
/// its lineage; and the exported ONNX file, as OnnxScorer serves it, gives ML.NET's outputs on every row, rows with
/// missing (NaN) features included.
/// </summary>
public sealed class CardTrainerTests(ITestOutputHelper output)
{
    private const double MaxDifference = 1e-4;
    private static readonly DateTimeOffset TrainedAt = new(2024, 3, 9, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_binary_model_is_trained_from_its_card_and_its_ONNX_file_gives_ML_NET_probabilities()
    {
        var (card, trained) = Train(ModelTask.Binary, "synthetic-wait");

        AssertTheCardIsTheChallengersOf(card, trained);
        var holdout = trained.Bundle.Card.Metrics!.Holdout!;
        Assert.Equal(trained.Holdout.Rows, holdout.Rows);
        Assert.InRange(holdout.Auc, 0.85, 1);
        Assert.Equal(CardTrainer.TrainerName(ModelTask.Binary), trained.Bundle.Card.Lineage!.Trainer);

        var (fromMlNet, fromOnnx) = BothOutputs(trained, (scores, _) => [.. scores.Select(score => score.Probability)]);
        AssertSame(fromMlNet, fromOnnx, "binary probability");
    }

    [Fact]
    public void A_multiclass_model_is_trained_from_its_card_and_its_ONNX_file_gives_the_normalized_ML_NET_probabilities()
    {
        var (card, trained) = Train(ModelTask.Multiclass, "synthetic-kind");

        AssertTheCardIsTheChallengersOf(card, trained);
        var metrics = trained.Bundle.Card.Metrics!.Multiclass!;
        Assert.Equal(trained.Holdout.Rows, metrics.Rows);
        Assert.InRange(metrics.Accuracy, 0.75, 1);
        Assert.Equal(SyntheticModels.Kinds.Order(), metrics.Classes.Keys.Order());
        Assert.Equal(3, trained.Model.ClassModels.Count);
        // The card names no score output: the file still has one, under a name the card does not use.
        Assert.Null(trained.Bundle.Card.Output.Score);
        Assert.Equal("probabilities", trained.Bundle.Card.Output.Probability);

        var classes = SyntheticModels.Kinds.Length;
        var (perClass, fromOnnx) = BothOutputs(trained, (_, probabilities) => probabilities);
        // ML.NET's one-versus-all with probabilities: each class model's p_k (a float, never below 0) over their sum, in double.
        var fromMlNet = new float[perClass.Length];
        for (var row = 0; row < perClass.Length / classes; row++)
        {
            var p = perClass.AsSpan(row * classes, classes);
            var sum = 0.0;
            foreach (var value in p)
                sum += Math.Max(0f, value);
            for (var k = 0; k < classes; k++)
                fromMlNet[(row * classes) + k] = sum > 0 ? (float)(Math.Max(0f, p[k]) / sum) : p[k];
        }

        AssertSame(fromMlNet, fromOnnx, "multiclass probability");
        Assert.True(fromMlNet.Count(p => p > 0.8f) > perClass.Length / classes / 4, "the model is rarely confident, so the comparison would prove little");
    }

    [Fact]
    public void A_regression_model_is_trained_from_its_card_and_its_ONNX_file_gives_ML_NET_values()
    {
        var (card, trained) = Train(ModelTask.Regression, "synthetic-price");

        AssertTheCardIsTheChallengersOf(card, trained);
        var metrics = trained.Bundle.Card.Metrics!.Regression!;
        Assert.Equal(trained.Holdout.Rows, metrics.Rows);
        output.WriteLine($"hold-out RMSE {metrics.Rmse:F3}, R² {metrics.RSquared:F3}");
        Assert.InRange(metrics.RSquared!.Value, 0.9, 1);
        Assert.NotNull(trained.Bundle.Card.Reference!.Output!.LabelValue);

        var (fromMlNet, fromOnnx) = BothOutputs(trained, (scores, _) => [.. scores.Select(score => score.Value)]);
        AssertSame(fromMlNet, fromOnnx, "regression value");
    }

    [Fact]
    public void A_multiclass_label_no_training_row_has_fails_the_training_with_the_reason()
    {
        var card = SyntheticModels.Card(ModelTask.Multiclass, "synthetic-kind");
        var rows = SyntheticModels.Rows(ModelTask.Multiclass, card.Name, 300, seed: 5).Where(row => row.ActualLabel != "high").ToList();

        var exception = Assert.Throws<InvalidOperationException>(() =>
            new CardTrainer(new ManualClock(TrainedAt)).Train(card, SyntheticModels.Examples(rows), [], SyntheticModels.Training("2")));

        Assert.Contains("training rows has the label 'high'", exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("none of the", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_whose_features_do_not_produce_its_input_columns_is_refused()
    {
        var card = SyntheticModels.Card(ModelTask.Regression, "synthetic-price");
        var changed = card with { Features = [.. card.Features.Select(feature => feature is CategoricalFeature { Name: "color" } color ? color with { Vocabulary = ["red", "green"] } : feature)] };
        var examples = SyntheticModels.Examples(SyntheticModels.Rows(ModelTask.Regression, card.Name, 100, seed: 6));

        var exception = Assert.Throws<InvalidOperationException>(() => new CardTrainer(new ManualClock(TrainedAt)).Train(changed, examples, [], SyntheticModels.Training("2")));

        Assert.Contains("not its input columns", exception.Message, StringComparison.Ordinal);
    }

    private static (ModelCard Card, TrainedModel Trained) Train(ModelTask task, string model)
    {
        var card = SyntheticModels.Card(task, model);
        var rows = SyntheticModels.Rows(task, model, 1_500, seed: 2024);
        var options = SyntheticModels.Training("2") with { Trigger = "drift", ParentVersion = "1", WindowStart = new DateTime(2024, 3, 1), WindowEnd = new DateTime(2024, 3, 2) };
        var trained = new CardTrainer(new ManualClock(TrainedAt)).Train(card, SyntheticModels.Examples(rows[..1_200]), SyntheticModels.Examples(rows[1_200..]), options);
        return (card, trained);
    }

    // Sections not about training are the card's; statistics, metrics and lineage are the new version's own.
    private static void AssertTheCardIsTheChallengersOf(ModelCard card, TrainedModel trained)
    {
        var challenger = trained.Bundle.Card;
        Assert.Empty(ModelCardValidator.Validate(challenger));
        Assert.Equal((card.Name, "2", card.Task, card.Description), (challenger.Name, challenger.Version, challenger.Task, challenger.Description));
        Assert.Equal(card.Input.Name, challenger.Input.Name);
        Assert.Equal(card.Input.Columns, challenger.Input.Columns);
        Assert.Equal((card.Output.Probability, card.Output.Score, card.Output.Threshold), (challenger.Output.Probability, challenger.Output.Score, challenger.Output.Threshold));
        Assert.Equal(card.Output.Labels, challenger.Output.Labels);
        Assert.Equal(card.Label, challenger.Label);
        Assert.Equal(card.Monitoring!.SegmentBy, challenger.Monitoring!.SegmentBy);
        Assert.Same(card.Features, challenger.Features);
        Assert.Equal(Modeling.Bundles.ModelBundle.Sha256Of(trained.Bundle.Onnx), challenger.Artifact.Sha256);

        var reference = challenger.Reference!;
        Assert.Equal(("training", trained.Training.Rows), (reference.Source, reference.Rows));
        Assert.Equal(card.Input.Columns, reference.Columns.Select(column => column.Column));
        Assert.Equal(1_200, trained.Training.Rows + trained.Training.Rejected);
        Assert.True(trained.Training.Rows > 1_100, $"only {trained.Training.Rows} of 1,200 training rows were usable");

        var lineage = challenger.Lineage!;
        Assert.Equal(("synthetic", "drift", "1", TrainedAt), (lineage.Dataset, lineage.Trigger, lineage.ParentVersion, lineage.TrainedAt));
        Assert.Equal((trained.Training.Rows, trained.Holdout.Rows), ((int)lineage.TrainingRows!, (int)lineage.HoldoutRows!));
        Assert.Equal(("20", "8", "10"), (lineage.Hyperparameters!["trees"], lineage.Hyperparameters["leaves"], lineage.Hyperparameters["minimumRowsPerLeaf"]));
    }

    // ML.NET's outputs and ONNX Runtime's (through OnnxScorer, as Inference serves the file) on the training and
    // hold-out rows and on the hold-out rows again with every other feature missing (NaN), which the featurizer never
    // makes but a tree must still send right, as ML.NET does.
    private static (float[] MlNet, float[] Onnx) BothOutputs(TrainedModel trained, Func<ModelScore[], float[], float[]> read)
    {
        var holdout = trained.Holdout;
        var withMissing = holdout.Features.Select((value, i) => i % 2 == 0 ? float.NaN : value).ToArray();
        var tables = new[] { trained.Training, holdout, new FeatureTable(withMissing, holdout.Truths, holdout.Width) };
        var card = trained.Bundle.Card;
        var classes = card.Task == ModelTask.Multiclass ? card.Output.Labels.Count : 0;
        using var scorer = OnnxScorer.Load(card, trained.Bundle.Onnx);
        var mlNet = new List<float>();
        var onnx = new List<float>();
        foreach (var table in tables)
        {
            mlNet.AddRange(trained.PredictWithMlNet(table));
            var scores = new ModelScore[table.Rows];
            var probabilities = new float[table.Rows * classes];
            scorer.Score(table.Features, scores, probabilities);
            onnx.AddRange(read(scores, probabilities));
        }

        return ([.. mlNet], [.. onnx]);
    }

    private void AssertSame(float[] fromMlNet, float[] fromOnnx, string what)
    {
        Assert.Equal(fromMlNet.Length, fromOnnx.Length);
        Assert.DoesNotContain(fromOnnx, float.IsNaN);
        var difference = fromMlNet.Zip(fromOnnx, (expected, actual) => Math.Abs((double)expected - actual)).Max();
        output.WriteLine($"{fromOnnx.Length} values: max |Δ {what}| between ML.NET and ONNX Runtime {difference:E2}");
        Assert.True(fromMlNet.Max() - fromMlNet.Min() > 0.5, "the model learned nothing, so the comparison would prove little");
        Assert.True(difference <= MaxDifference, $"max |Δ {what}| = {difference:E3} exceeds {MaxDifference}");
    }
}
