using Microsoft.ML.OnnxRuntime;
using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Scoring;
using Modeling.Tests.Cards;
using Xunit.Abstractions;

namespace Modeling.Tests.Onnx;

public sealed class TreeEnsembleOnnxExporterMulticlassTests(ITestOutputHelper output)
{
    private static readonly OnnxExportOptions Options = new() { ModelName = "delay-class", ModelVersion = "2" };

    private static readonly PlattCalibration Identity = new(-1.0, 0.0);

    // x0 <= 0.5 → leaf 0 (+1), otherwise leaf 1 (-1).
    private static RegressionTreeModel Stump(int feature = 0, float threshold = 0.5f, double left = 1.0, double right = -1.0) =>
        new(1.0, [feature], [threshold], [~0], [~1], [left, right]);

    private static ClassTreeEnsemble Class(params RegressionTreeModel[] trees) => new(0.0, trees, Identity);

    [Theory]
    [InlineData(20240611, 3, 30, 8, 6, 20, 20_000)]
    [InlineData(11, 5, 100, 30, 10, 64, 5_000)]
    public void Exported_model_matches_the_ensemble_on_random_inputs_with_missing_values(
        int seed, int classCount, int treesPerClass, int featureCount, int maxDepth, int maxLeaves, int rowCount)
    {
        var random = new Random(seed);
        var model = RandomEnsembles.CreateMulticlass(random, classCount, treesPerClass, featureCount, maxDepth, maxLeaves);
        var rows = RandomEnsembles.RowsWithMissingValues(random, featureCount, model.Classes.SelectMany(ensemble => ensemble.Trees), rowCount);
        Assert.Contains(model.Classes.SelectMany(ensemble => ensemble.Trees), tree => tree.SplitFeatures.Count == 0);
        Assert.Contains(rows, float.IsNaN);

        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));
        var outputs = onnx.RunOutputs(rows, featureCount, classCount, "score", "probability");
        var (scores, probabilities) = (outputs[0], outputs[1]);

        var maxRelativeScoreError = 0.0;
        var maxProbabilityError = 0.0;
        var maxSumError = 0.0;
        for (var r = 0; r < rowCount; r++)
        {
            var row = rows.AsSpan(r * featureCount, featureCount);
            var expectedScores = EnsembleReference.Scores(model, row);
            var expectedProbabilities = EnsembleReference.Probabilities(model, row);
            var sum = 0.0;
            for (var k = 0; k < classCount; k++)
            {
                var i = r * classCount + k;
                maxRelativeScoreError = Math.Max(maxRelativeScoreError, Math.Abs(scores[i] - expectedScores[k]) / Math.Max(1.0, Math.Abs(expectedScores[k])));
                maxProbabilityError = Math.Max(maxProbabilityError, Math.Abs(probabilities[i] - expectedProbabilities[k]));
                sum += probabilities[i];
            }

            maxSumError = Math.Max(maxSumError, Math.Abs(sum - 1.0));
        }

        output.WriteLine($"{classCount} classes × {treesPerClass} trees, {featureCount} features, {rowCount} rows: "
            + $"max relative |Δscore| {maxRelativeScoreError:E2}, max |Δp| {maxProbabilityError:E2}, max |Σp - 1| {maxSumError:E2}");
        Assert.True(maxRelativeScoreError <= 1e-6, $"max relative score error {maxRelativeScoreError:E2}");
        Assert.True(maxProbabilityError <= 1e-6, $"max |Δp| {maxProbabilityError:E2}");
        Assert.True(maxSumError <= 1e-5, $"max |Σp - 1| {maxSumError:E2}");
    }

    [Fact]
    public void Each_class_has_its_own_bias_trees_and_calibration_and_the_probabilities_are_normalized()
    {
        var model = new MulticlassTreeEnsembleModel(2,
        [
            new ClassTreeEnsemble(0.5, [Stump()], new PlattCalibration(-2.0, 0.1)),
            new ClassTreeEnsemble(-0.25, [Stump(feature: 1, left: 2.0, right: -2.0) with { Weight = 0.5 }], new PlattCalibration(-1.0, -0.3)),
            new ClassTreeEnsemble(0.0, [RegressionTreeModel.SingleLeaf(0.75, weight: 2.0)], new PlattCalibration(-0.5, 0.0)),
        ]);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));
        float[] rows = [0f, 1f, 1f, float.NaN];

        var outputs = onnx.RunOutputs(rows, 2, 3, "score", "probability");

        // Row 0: class 0 scores 0.5 + 1, class 1 -0.25 - 1 (x1 > 0.5), class 2 2 * 0.75. Row 1: 0.5 - 1, -0.25 - 1 (NaN goes right), 1.5.
        Assert.Equal([1.5f, -1.25f, 1.5f, -0.5f, -1.25f, 1.5f], outputs[0]);
        double[] slopes = [-2.0, -1.0, -0.5];
        double[] offsets = [0.1, -0.3, 0.0];
        for (var r = 0; r < 2; r++)
        {
            var p = Enumerable.Range(0, 3).Select(k => (double)(float)(1.0 / (1.0 + Math.Exp(slopes[k] * outputs[0][r * 3 + k] + offsets[k])))).ToArray();
            for (var k = 0; k < 3; k++)
                Assert.Equal(p[k] / p.Sum(), outputs[1][r * 3 + k], 1e-7);
        }
    }

    [Fact]
    public void A_class_without_trees_scores_its_bias()
    {
        var model = new MulticlassTreeEnsembleModel(1,
            [Class(Stump()), new ClassTreeEnsemble(0.8, [], Identity), Class(RegressionTreeModel.SingleLeaf(-0.4))]);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var scores = onnx.RunOutputs([0f, 1f], 1, 3, "score")[0];

        Assert.Equal([1f, 0.8f, -0.4f, -1f, 0.8f, -0.4f], scores);
    }

    [Fact]
    public void When_every_class_probability_is_zero_the_probabilities_stay_zero_not_NaN()
    {
        // Slope -1 and a score of -1e6: p = 1 / (1 + exp(1e6)) = 0 for every class, and ML.NET leaves them 0.
        var model = new MulticlassTreeEnsembleModel(1, [Class(Stump(left: 1e6, right: -1e6)), Class(Stump(left: 1e6, right: -1e6)), Class(Stump(left: -1e6, right: -1e6))]);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var probabilities = onnx.RunOutputs([0f, 1f], 1, 3, "probability")[0];

        Assert.Equal([0.5f, 0.5f, 0f, 0f, 0f, 0f], probabilities);
        Assert.Equal(EnsembleReference.Probabilities(model, [1f]), probabilities[3..]);
    }

    [Fact]
    public void The_model_has_per_class_score_and_probability_outputs_and_counts_every_tree()
    {
        var model = RandomEnsembles.CreateMulticlass(new Random(1), classCount: 4, treesPerClass: 3, featureCount: 6, maxDepth: 3, maxLeaves: 8);
        using var session = new InferenceSession(TreeEnsembleOnnxExporter.Export(model, Options with { ScoreOutputName = "margins", ProbabilityOutputName = "p" }));

        Assert.Equal([-1, 6], session.InputMetadata["features"].Dimensions);
        Assert.Equal(["margins", "p"], session.OutputNames);
        foreach (var metadata in session.OutputMetadata.Values)
        {
            Assert.Equal(typeof(float), metadata.ElementType);
            Assert.Equal([-1, 4], metadata.Dimensions);
        }

        Assert.Equal("6", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.FeatureCount]);
        Assert.Equal("12", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.TreeCount]);
    }

    [Fact]
    public void The_export_fits_a_multiclass_card_and_the_scorer_picks_the_most_probable_label()
    {
        var card = SampleCards.FlightDelay() with
        {
            Task = ModelTask.Multiclass,
            Output = new ModelOutput { Probability = "probability", Score = "score", Labels = ["early", "on-time", "late"] },
        };
        var width = card.Input.Columns.Count;
        var model = RandomEnsembles.CreateMulticlass(new Random(5), classCount: 3, treesPerClass: 10, featureCount: width, maxDepth: 4, maxLeaves: 12);
        var onnx = TreeEnsembleOnnxExporter.Export(model, Options);
        Assert.Empty(OnnxCardCheck.Check(card, onnx));
        var rows = RandomEnsembles.RowsWithMissingValues(new Random(6), width, model.Classes.SelectMany(ensemble => ensemble.Trees), 200);

        using var scorer = OnnxScorer.Load(card, onnx);
        var scores = new ModelScore[200];
        scorer.Score(rows, scores);

        for (var r = 0; r < scores.Length; r++)
        {
            var expected = EnsembleReference.Probabilities(model, rows.AsSpan(r * width, width));
            Assert.Equal(expected.Max(), scores[r].Probability, 1e-6);
            Assert.Equal(expected.Max(), expected[scores[r].LabelIndex], 1e-6);
        }

        Assert.Equal(3, scores.Select(score => score.LabelIndex).Distinct().Count());
    }

    public static TheoryData<string, MulticlassTreeEnsembleModel, string> InvalidModels => new()
    {
        { "no features", new MulticlassTreeEnsembleModel(0, [Class(), Class()]), "FeatureCount: is 0" },
        { "no class list", new MulticlassTreeEnsembleModel(1, null!), "Classes: is required" },
        { "one class", new MulticlassTreeEnsembleModel(1, [Class()]), "Classes: has 1 entries; a multiclass model needs at least 2" },
        { "null class", new MulticlassTreeEnsembleModel(1, [Class(), null!, Class()]), "Classes[1]: is null" },
        { "NaN class bias", new MulticlassTreeEnsembleModel(1, [Class(), Class(), new ClassTreeEnsemble(double.NaN, [], Identity)]), "Classes[2].Bias: is NaN" },
        { "no class calibration", new MulticlassTreeEnsembleModel(1, [Class(), new ClassTreeEnsemble(0, [], null!), Class()]), "Classes[1].Calibration: is required" },
        {
            "infinite class slope",
            new MulticlassTreeEnsembleModel(1, [new ClassTreeEnsemble(0, [], new PlattCalibration(double.PositiveInfinity, 0)), Class(), Class()]),
            "Classes[0].Calibration.Slope: is +infinity"
        },
        { "no tree list", new MulticlassTreeEnsembleModel(1, [Class(), Class(), new ClassTreeEnsemble(0, null!, Identity)]), "Classes[2].Trees: is required" },
        {
            "feature index out of range in one class",
            new MulticlassTreeEnsembleModel(2, [Class(Stump()), Class(Stump(), Stump(feature: 2)), Class()]),
            "Classes[1].Trees[1].SplitFeatures[0]: feature index 2 is outside the model's 2 features (0..1)"
        },
        {
            "broken tree in one class",
            new MulticlassTreeEnsembleModel(1, [Class(), Class(), Class(new RegressionTreeModel(1, [0], [0f], [~0], [~5], [1, 2]))]),
            "Classes[2].Trees[0].RightChild[0]: leaf 5 (child value -6) does not exist"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidModels))]
    public void Invalid_models_are_refused_with_the_place_and_the_reason(string _, MulticlassTreeEnsembleModel model, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(model, Options));

        Assert.Equal("model", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, string.Join("\n", TreeEnsembleModelValidator.Validate(model)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_every_class_is_reported_at_once()
    {
        var model = new MulticlassTreeEnsembleModel(2,
        [
            Class(Stump(feature: 5)),
            new ClassTreeEnsemble(0, [Stump(threshold: float.NaN)], new PlattCalibration(-1, double.NaN)),
            Class(),
        ]);

        var errors = TreeEnsembleModelValidator.Validate(model);

        Assert.Equal(3, errors.Count);
        Assert.StartsWith("Classes[0].Trees[0].SplitFeatures[0]", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("Classes[1].Calibration.Offset: is NaN", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("Classes[1].Trees[0].Thresholds[0]", errors[2], StringComparison.Ordinal);
    }

    public static TheoryData<OnnxExportOptions, string> InvalidOptions => new()
    {
        { Options with { ProbabilityOutputName = "score" }, "ProbabilityOutputName: 'score' is already the ScoreOutputName" },
        { Options with { ScoreOutputName = "calibrated_sum" }, "ScoreOutputName: 'calibrated_sum' is the name of a value inside the graph" },
        { Options with { ProbabilityOutputName = "divisor" }, "ProbabilityOutputName: 'divisor' is the name of a value inside the graph" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_with_the_reason(OnnxExportOptions options, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(new MulticlassTreeEnsembleModel(1, [Class(), Class(), Class()]), options));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_to_a_stream_writes_the_same_bytes()
    {
        var model = RandomEnsembles.CreateMulticlass(new Random(3), classCount: 3, treesPerClass: 4, featureCount: 4, maxDepth: 4, maxLeaves: 10);
        using var stream = new MemoryStream();

        TreeEnsembleOnnxExporter.Export(model, Options, stream);

        Assert.Equal(TreeEnsembleOnnxExporter.Export(model, Options), stream.ToArray());
    }
}
