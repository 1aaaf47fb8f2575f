using Microsoft.ML.OnnxRuntime;
using Modeling.Onnx;
using Xunit.Abstractions;

namespace Modeling.Tests.Onnx;

public sealed class TreeEnsembleOnnxExporterTests(ITestOutputHelper output)
{
    private const double MaxProbabilityError = 1e-6;

    private static readonly OnnxExportOptions Options = new() { ModelName = "flight-delay", ModelVersion = "7" };

    // x0 <= 0.5 → leaf 0 (+1), otherwise leaf 1 (-1).
    private static RegressionTreeModel Stump(int feature = 0, float threshold = 0.5f, double left = 1.0, double right = -1.0) =>
        new(1.0, [feature], [threshold], [~0], [~1], [left, right]);

    private static TreeEnsembleModel Ensemble(int featureCount, params RegressionTreeModel[] trees) =>
        new(featureCount, 0.0, trees, new PlattCalibration(-1.0, 0.0));

    [Fact]
    public void Exported_model_matches_the_ensemble_on_random_inputs()
    {
        var random = new Random(20240611);
        var model = RandomEnsembles.Create(random, treeCount: 50, featureCount: 8, maxDepth: 6, maxLeaves: 20);
        var rows = RandomEnsembles.Rows(random, model, rowCount: 20_000);

        var (maxScoreError, maxProbabilityError) = Compare(model, rows);

        output.WriteLine($"50 trees, 8 features, 20000 rows: max |Δscore| relative {maxScoreError:E2}, max |Δp| {maxProbabilityError:E2}");
        Assert.True(maxScoreError <= 1e-6, $"max relative score error {maxScoreError:E2}");
        Assert.True(maxProbabilityError <= MaxProbabilityError, $"max |Δp| {maxProbabilityError:E2}");
    }

    [Fact]
    public void Exported_model_matches_a_large_ensemble_on_random_inputs()
    {
        var random = new Random(7);
        var model = RandomEnsembles.Create(random, treeCount: 500, featureCount: 30, maxDepth: 10, maxLeaves: 64);
        var rows = RandomEnsembles.Rows(random, model, rowCount: 10_000);

        var (maxScoreError, maxProbabilityError) = Compare(model, rows);

        output.WriteLine($"500 trees, 30 features, 10000 rows: max |Δscore| relative {maxScoreError:E2}, max |Δp| {maxProbabilityError:E2}");
        Assert.True(maxScoreError <= 1e-6, $"max relative score error {maxScoreError:E2}");
        Assert.True(maxProbabilityError <= MaxProbabilityError, $"max |Δp| {maxProbabilityError:E2}");
    }

    [Fact]
    public void Rows_at_a_threshold_go_left_and_rows_above_it_or_missing_go_right()
    {
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(Ensemble(1, Stump()), Options));

        var (scores, _) = onnx.Run([MathF.BitDecrement(0.5f), 0.5f, MathF.BitIncrement(0.5f), float.NaN, float.NegativeInfinity, float.PositiveInfinity], 1);

        Assert.Equal([1f, 1f, -1f, -1f, 1f, -1f], scores);
    }

    [Fact]
    public void Nodes_and_leaves_are_followed_by_index_not_by_position()
    {
        // Root splits on x1; its left child is internal node 2, its right child internal node 1; leaves are
        // numbered out of order. Leaf values say which leaf was reached.
        var tree = new RegressionTreeModel(
            Weight: 1.0,
            SplitFeatures: [1, 0, 2],
            Thresholds: [0f, 10f, -5f],
            LeftChild: [2, ~3, ~0],
            RightChild: [1, ~1, ~2],
            LeafValues: [100, 101, 102, 103]);
        var model = Ensemble(3, tree);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));
        float[] rows =
        [
            0f, -1f, -6f,  // x1 <= 0 → node 2; x2 <= -5 → leaf 0
            0f, -1f, 3f,   // x1 <= 0 → node 2; x2 > -5 → leaf 2
            5f, 1f, 0f,    // x1 > 0 → node 1; x0 <= 10 → leaf 3
            11f, 1f, 0f,   // x1 > 0 → node 1; x0 > 10 → leaf 1
        ];

        var (scores, _) = onnx.Run(rows, 3);

        Assert.Equal([100f, 102f, 103f, 101f], scores);
        Assert.Equal([100f, 102f, 103f, 101f], Enumerable.Range(0, 4).Select(r => (float)EnsembleReference.Score(model, rows.AsSpan(r * 3, 3))));
    }

    [Fact]
    public void Bias_tree_weights_and_Platt_calibration_are_applied_as_MLNET_defines_them()
    {
        var model = new TreeEnsembleModel(
            FeatureCount: 1,
            Bias: 0.25,
            Trees: [Stump() with { Weight = 0.5 }, RegressionTreeModel.SingleLeaf(0.125, weight: 2.0)],
            Calibration: new PlattCalibration(Slope: -2.0, Offset: 0.1));
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var (scores, probabilities) = onnx.Run([0f, 1f], 1);

        // Left: 0.25 + 0.5 * 1 + 2 * 0.125 = 1.0; right: 0.25 - 0.5 + 0.25 = 0.0.
        Assert.Equal([1.0f, 0.0f], scores);
        Assert.Equal(1.0 / (1.0 + Math.Exp(-2.0 * 1.0 + 0.1)), probabilities[0], 1e-7);
        Assert.Equal(1.0 / (1.0 + Math.Exp(0.1)), probabilities[1], 1e-7);
    }

    [Fact]
    public void Single_leaf_trees_add_their_weighted_value_to_every_row()
    {
        var model = Ensemble(2, RegressionTreeModel.SingleLeaf(0.75), Stump(feature: 1), RegressionTreeModel.SingleLeaf(-0.5, weight: 3.0));
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var (scores, _) = onnx.Run([9f, 0f, 9f, 1f], 2);

        Assert.Equal([0.75f + 1f - 1.5f, 0.75f - 1f - 1.5f], scores);
    }

    [Fact]
    public void A_model_without_trees_scores_its_bias()
    {
        var model = new TreeEnsembleModel(4, Bias: -0.3, Trees: [], new PlattCalibration(-1.5, 0.2));
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var (scores, probabilities) = onnx.Run([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 4);

        Assert.Equal([-0.3f, -0.3f], scores);
        var expected = 1.0 / (1.0 + Math.Exp(-1.5 * (double)-0.3f + 0.2));
        Assert.All(probabilities, p => Assert.Equal(expected, p, 1e-7));
    }

    [Fact]
    public void Many_small_leaf_values_are_summed_without_float_drift()
    {
        // 2000 × 0.1 summed in float drifts by about 1e-4; ML.NET sums in double and so must the model.
        var model = new TreeEnsembleModel(1, 0.0, Enumerable.Repeat(RegressionTreeModel.SingleLeaf(0.1), 2000).ToList(), new PlattCalibration(-1, 0));
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var (scores, _) = onnx.Run([0f], 1);

        Assert.Equal((float)Enumerable.Repeat(0.1, 2000).Sum(), scores[0]);
    }

    [Fact]
    public void Extreme_scores_give_probabilities_of_zero_and_one_not_NaN()
    {
        var model = Ensemble(1, Stump(left: 1e6, right: -1e6));
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var (_, probabilities) = onnx.Run([0f, 1f], 1);

        Assert.Equal([1f, 0f], probabilities);
    }

    [Fact]
    public void Session_metadata_reports_the_input_the_outputs_and_the_model_identity()
    {
        var model = RandomEnsembles.Create(new Random(1), treeCount: 3, featureCount: 8, maxDepth: 3, maxLeaves: 8);
        var options = Options with
        {
            Description = "Flight delay > 15 minutes",
            Metadata = new Dictionary<string, string> { ["training_run"] = "run-42" },
        };
        using var session = new InferenceSession(TreeEnsembleOnnxExporter.Export(model, options));

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("features", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 8], input.Value.Dimensions);
        Assert.Equal(["N", ""], input.Value.SymbolicDimensions);
        Assert.Equal(["score", "probability"], session.OutputNames);
        foreach (var outputMetadata in session.OutputMetadata.Values)
        {
            Assert.Equal(typeof(float), outputMetadata.ElementType);
            Assert.Equal([-1, 1], outputMetadata.Dimensions);
        }

        var metadata = session.ModelMetadata;
        Assert.Equal(TreeEnsembleOnnxExporter.ProducerName, metadata.ProducerName);
        Assert.Equal("flight-delay", metadata.GraphName);
        Assert.Equal(7, metadata.Version);
        Assert.Equal("Flight delay > 15 minutes", metadata.Description);
        Assert.Equal("flight-delay", metadata.CustomMetadataMap[OnnxMetadataKeys.ModelName]);
        Assert.Equal("7", metadata.CustomMetadataMap[OnnxMetadataKeys.ModelVersion]);
        Assert.Equal("8", metadata.CustomMetadataMap[OnnxMetadataKeys.FeatureCount]);
        Assert.Equal("3", metadata.CustomMetadataMap[OnnxMetadataKeys.TreeCount]);
        Assert.Equal("run-42", metadata.CustomMetadataMap["training_run"]);
    }

    [Fact]
    public void Input_and_output_names_come_from_the_options()
    {
        var options = Options with { InputName = "x", ScoreOutputName = "raw", ProbabilityOutputName = "p", ModelVersion = "2024.06-b" };
        var bytes = TreeEnsembleOnnxExporter.Export(Ensemble(1, Stump()), options);
        using var onnx = new ExportedModel(bytes, "x", "raw", "p");

        Assert.Equal(["x"], onnx.Session.InputNames);
        Assert.Equal(["raw", "p"], onnx.Session.OutputNames);
        Assert.Equal("2024.06-b", onnx.Session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.ModelVersion]);
        Assert.Equal([1f, -1f], onnx.Run([0f, 1f], 1).Scores);
    }

    [Fact]
    public void Export_to_a_stream_writes_the_same_bytes()
    {
        var model = RandomEnsembles.Create(new Random(3), treeCount: 5, featureCount: 4, maxDepth: 4, maxLeaves: 10);
        using var stream = new MemoryStream();

        TreeEnsembleOnnxExporter.Export(model, Options, stream);

        Assert.Equal(TreeEnsembleOnnxExporter.Export(model, Options), stream.ToArray());
    }

    public static TheoryData<string, TreeEnsembleModel, string> InvalidModels => new()
    {
        {
            "feature index out of range",
            Ensemble(2, Stump(), Stump(feature: 2)),
            "Trees[1].SplitFeatures[0]: feature index 2 is outside the model's 2 features (0..1)"
        },
        {
            "negative feature index",
            Ensemble(2, Stump(feature: -1)),
            "Trees[0].SplitFeatures[0]: feature index -1 is outside"
        },
        {
            "no features",
            new TreeEnsembleModel(0, 0, [], new PlattCalibration(-1, 0)),
            "FeatureCount: is 0"
        },
        {
            "missing leaf",
            Ensemble(1, new RegressionTreeModel(1, [0], [0f], [~0], [~5], [1, 2])),
            "Trees[0].RightChild[0]: leaf 5 (child value -6) does not exist"
        },
        {
            "cycle",
            Ensemble(1, new RegressionTreeModel(1, [0, 0], [0f, 1f], [1, 0], [~0, ~1], [1, 2, 3])),
            "internal node 0 is reached more than once"
        },
        {
            "shared leaf",
            Ensemble(1, new RegressionTreeModel(1, [0, 0], [0f, 1f], [1, ~0], [~0, ~1], [1, 2, 3])),
            "leaf 0 is reached more than once"
        },
        {
            "arrays of different lengths",
            Ensemble(1, new RegressionTreeModel(1, [0], [0f, 1f], [~0], [~1], [1, 2])),
            "Trees[0].Thresholds: has 2 entries; expected 1"
        },
        {
            "leaf count not internal count plus one",
            Ensemble(1, new RegressionTreeModel(1, [], [], [], [], [1, 2])),
            "Trees[0].LeafValues: has 2 entries; expected 1"
        },
        {
            "NaN threshold",
            Ensemble(1, Stump(threshold: float.NaN)),
            "Trees[0].Thresholds[0]: is NaN"
        },
        {
            "infinite leaf value",
            Ensemble(1, Stump(left: double.PositiveInfinity)),
            "Trees[0].LeafValues[0]: is +infinity; it must be a finite number"
        },
        {
            "NaN calibration",
            new TreeEnsembleModel(1, 0, [], new PlattCalibration(double.NaN, 0)),
            "Calibration.Slope: is NaN"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidModels))]
    public void Invalid_models_are_refused_with_the_place_and_the_reason(string _, TreeEnsembleModel model, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(model, Options));

        Assert.Equal("model", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, string.Join("\n", TreeEnsembleModelValidator.Validate(model)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_a_model_is_reported_at_once()
    {
        var model = Ensemble(2, Stump(feature: 5), Stump(threshold: float.NaN));

        var errors = TreeEnsembleModelValidator.Validate(model);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Trees[0].SplitFeatures[0]", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("Trees[1].Thresholds[0]", errors[1], StringComparison.Ordinal);
    }

    public static TheoryData<OnnxExportOptions, string> InvalidOptions => new()
    {
        { Options with { ModelName = " " }, "ModelName: is required" },
        { Options with { ModelVersion = "" }, "ModelVersion: is required" },
        { Options with { ProbabilityOutputName = "score" }, "ProbabilityOutputName: 'score' is already the ScoreOutputName" },
        { Options with { InputName = "calibrated_logit" }, "InputName: 'calibrated_logit' is the name of a value inside the graph" },
        { Options with { Metadata = new Dictionary<string, string> { ["model_name"] = "x" } }, "Metadata: key 'model_name' is written by the exporter itself" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_with_the_reason(OnnxExportOptions options, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(Ensemble(1, Stump()), options));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    private static (double MaxRelativeScoreError, double MaxProbabilityError) Compare(TreeEnsembleModel model, float[] rows)
    {
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));
        var (scores, probabilities) = onnx.Run(rows, model.FeatureCount);

        var maxScoreError = 0.0;
        var maxProbabilityError = 0.0;
        for (var r = 0; r < scores.Length; r++)
        {
            var score = EnsembleReference.Score(model, rows.AsSpan(r * model.FeatureCount, model.FeatureCount));
            var probability = EnsembleReference.Probability(model, score);
            maxScoreError = Math.Max(maxScoreError, Math.Abs(scores[r] - score) / Math.Max(1.0, Math.Abs(score)));
            maxProbabilityError = Math.Max(maxProbabilityError, Math.Abs(probabilities[r] - probability));
        }

        return (maxScoreError, maxProbabilityError);
    }
}
