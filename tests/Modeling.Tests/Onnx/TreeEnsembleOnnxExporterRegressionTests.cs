using Microsoft.ML.OnnxRuntime;
using Modeling.Onnx;
using Xunit.Abstractions;

namespace Modeling.Tests.Onnx;

public sealed class TreeEnsembleOnnxExporterRegressionTests(ITestOutputHelper output)
{
    private static readonly OnnxExportOptions Options = new() { ModelName = "taxi-fare", ModelVersion = "3" };

    // x0 <= 0.5 → leaf 0 (+1), otherwise leaf 1 (-1).
    private static RegressionTreeModel Stump(int feature = 0, float threshold = 0.5f, double left = 1.0, double right = -1.0) =>
        new(1.0, [feature], [threshold], [~0], [~1], [left, right]);

    [Theory]
    [InlineData(20240611, 50, 8, 6, 20, 20_000)]
    [InlineData(7, 500, 30, 10, 64, 5_000)]
    public void Exported_model_matches_the_ensemble_on_random_inputs_with_missing_values(
        int seed, int treeCount, int featureCount, int maxDepth, int maxLeaves, int rowCount)
    {
        var random = new Random(seed);
        var model = RandomEnsembles.CreateRegression(random, treeCount, featureCount, maxDepth, maxLeaves);
        var rows = RandomEnsembles.RowsWithMissingValues(random, featureCount, model.Trees, rowCount);
        Assert.Contains(model.Trees, tree => tree.SplitFeatures.Count == 0);
        Assert.Contains(rows, float.IsNaN);

        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));
        var scores = onnx.RunOutputs(rows, featureCount, 1, "score")[0];

        var maxAbsolute = 0.0;
        var maxRelative = 0.0;
        var largest = 0.0;
        for (var r = 0; r < scores.Length; r++)
        {
            var expected = EnsembleReference.Score(model, rows.AsSpan(r * featureCount, featureCount));
            var error = Math.Abs(scores[r] - expected);
            maxAbsolute = Math.Max(maxAbsolute, error);
            maxRelative = Math.Max(maxRelative, error / Math.Max(1.0, Math.Abs(expected)));
            largest = Math.Max(largest, Math.Abs(expected));
        }

        output.WriteLine($"{treeCount} trees, {featureCount} features, {rowCount} rows, |score| up to {largest:F1}: max |Δscore| {maxAbsolute:E2}, relative {maxRelative:E2}");
        Assert.True(maxRelative <= 1e-6, $"max relative score error {maxRelative:E2}");
        Assert.True(maxAbsolute <= 1e-4, $"max |Δscore| {maxAbsolute:E2}");
    }

    [Fact]
    public void Bias_and_tree_weights_are_applied_and_missing_values_go_right()
    {
        var model = new RegressionTreeEnsembleModel(
            FeatureCount: 2,
            Bias: 30.25,
            Trees: [Stump() with { Weight = 0.5 }, RegressionTreeModel.SingleLeaf(0.125, weight: 2.0), Stump(feature: 1, left: 4.0, right: 8.0)]);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        var scores = onnx.RunOutputs([0f, 0f, 1f, 1f, float.NaN, float.NaN, 0.5f, MathF.BitIncrement(0.5f)], 2, 1, "score")[0];

        // 30.25 + 0.25 = 30.5, plus 0.5 * ±1 and 4 or 8.
        Assert.Equal([35f, 38f, 38f, 39f], scores);
    }

    [Fact]
    public void A_model_without_trees_scores_its_bias()
    {
        var model = new RegressionTreeEnsembleModel(3, Bias: 12.5, Trees: []);
        using var onnx = new ExportedModel(TreeEnsembleOnnxExporter.Export(model, Options));

        Assert.Equal([12.5f, 12.5f], onnx.RunOutputs([1f, 2f, 3f, 4f, 5f, 6f], 3, 1, "score")[0]);
    }

    [Fact]
    public void The_model_has_one_score_output_and_no_probability()
    {
        var model = RandomEnsembles.CreateRegression(new Random(1), treeCount: 4, featureCount: 5, maxDepth: 3, maxLeaves: 8);
        // The probability name is not used by a regression graph, so it may equal another name.
        var options = Options with { ScoreOutputName = "fare", ProbabilityOutputName = "fare" };
        using var session = new InferenceSession(TreeEnsembleOnnxExporter.Export(model, options));

        Assert.Equal(["features"], session.InputNames);
        Assert.Equal([-1, 5], session.InputMetadata["features"].Dimensions);
        var fare = Assert.Single(session.OutputMetadata);
        Assert.Equal("fare", fare.Key);
        Assert.Equal(typeof(float), fare.Value.ElementType);
        Assert.Equal([-1, 1], fare.Value.Dimensions);
        Assert.Equal("5", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.FeatureCount]);
        Assert.Equal("4", session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.TreeCount]);
        Assert.Equal(3, session.ModelMetadata.Version);
    }

    [Fact]
    public void Export_to_a_stream_writes_the_same_bytes()
    {
        var model = RandomEnsembles.CreateRegression(new Random(3), treeCount: 5, featureCount: 4, maxDepth: 4, maxLeaves: 10);
        using var stream = new MemoryStream();

        TreeEnsembleOnnxExporter.Export(model, Options, stream);

        Assert.Equal(TreeEnsembleOnnxExporter.Export(model, Options), stream.ToArray());
    }

    public static TheoryData<string, RegressionTreeEnsembleModel, string> InvalidModels => new()
    {
        { "no features", new RegressionTreeEnsembleModel(0, 0, []), "FeatureCount: is 0" },
        { "infinite bias", new RegressionTreeEnsembleModel(1, double.NegativeInfinity, []), "Bias: is -infinity; it must be a finite number" },
        { "no tree list", new RegressionTreeEnsembleModel(1, 0, null!), "Trees: is required" },
        { "null tree", new RegressionTreeEnsembleModel(1, 0, [Stump(), null!]), "Trees[1]: is null" },
        {
            "feature index out of range",
            new RegressionTreeEnsembleModel(2, 0, [Stump(), Stump(feature: 2)]),
            "Trees[1].SplitFeatures[0]: feature index 2 is outside the model's 2 features (0..1)"
        },
        {
            "leaf value that overflows with its weight",
            new RegressionTreeEnsembleModel(1, 0, [Stump(left: 1e300) with { Weight = 1e10 }]),
            "Trees[0].LeafValues[0]: 1E+300 times the tree weight 10000000000 overflows a double"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidModels))]
    public void Invalid_models_are_refused_with_the_place_and_the_reason(string _, RegressionTreeEnsembleModel model, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(model, Options));

        Assert.Equal("model", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, string.Join("\n", TreeEnsembleModelValidator.Validate(model)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_a_model_is_reported_at_once()
    {
        var model = new RegressionTreeEnsembleModel(2, double.NaN, [Stump(feature: 5), Stump(threshold: float.NaN)]);

        var errors = TreeEnsembleModelValidator.Validate(model);

        Assert.Equal(3, errors.Count);
        Assert.StartsWith("Bias: is NaN", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("Trees[0].SplitFeatures[0]", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("Trees[1].Thresholds[0]", errors[2], StringComparison.Ordinal);
    }

    public static TheoryData<OnnxExportOptions, string> InvalidOptions => new()
    {
        { Options with { ScoreOutputName = "features" }, "ScoreOutputName: 'features' is already the InputName" },
        { Options with { ScoreOutputName = "features_as_double" }, "ScoreOutputName: 'features_as_double' is the name of a value inside the graph" },
        { Options with { InputName = " " }, "InputName: is required" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_with_the_reason(OnnxExportOptions options, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(() => TreeEnsembleOnnxExporter.Export(new RegressionTreeEnsembleModel(1, 0, [Stump()]), options));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
