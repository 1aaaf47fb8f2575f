using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Onnx;
using Retrainer.Training;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

/// <summary>
/// Binary, regression and multiclass models really trained by ML.NET on seeded synthetic data, converted, exported and scored
/// with ONNX Runtime, against ML.NET's own predictions on every row: the training rows and held-out rows with missing
/// (NaN) feature values, which ML.NET's trees send right. Multiclass is one Platt-calibrated binary model per class,
/// trained with ML.NET's public API, and compared with their normalized probabilities.
/// </summary>
public sealed class FastTreeConversionTests(ITestOutputHelper output)
{
    private const int FeatureCount = 4;
    private const double MaxDifference = 1e-4;

    private static readonly OnnxExportOptions Options = new() { ModelName = "synthetic", ModelVersion = "1" };

    [Fact]
    public void Exported_regression_model_gives_ML_NET_scores_on_every_row()
    {
        var random = new Random(2024);
        var training = Rows(random, 400, missingShare: 0.0);
        var scoring = training.Concat(Rows(random, 200, missingShare: 0.15)).ToArray();
        var ml = new MLContext(seed: 1);
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = 40,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = 1,
        });
        var transformer = trainer.Fit(ml.Data.LoadFromEnumerable(training.Select(row => new RegressionRow { Features = row, Label = Target(row, random) })));

        var model = FastTreeConversion.ToTreeEnsemble(transformer.Model, FeatureCount);
        var fromMlNet = transformer.Transform(ml.Data.LoadFromEnumerable(scoring.Select(row => new RegressionRow { Features = row })))
            .GetColumn<float>("Score").ToArray();
        var fromOnnx = Run(TreeEnsembleOnnxExporter.Export(model, Options), scoring, "score", columns: 1);

        var difference = MaximumDifference(fromMlNet, fromOnnx);
        output.WriteLine($"{model.Trees.Count} trees, {scoring.Length} rows, scores {fromMlNet.Min():F2}..{fromMlNet.Max():F2}: max |Δscore| between ML.NET and ONNX Runtime {difference:E2}");
        Assert.Equal(40, model.Trees.Count);
        Assert.True(fromMlNet.Max() - fromMlNet.Min() > 1.0, "the model learned nothing, so the comparison would prove little");
        Assert.True(difference <= MaxDifference, $"max |Δscore| = {difference:E3} exceeds {MaxDifference}");
    }

    [Fact]
    public void Exported_binary_model_gives_ML_NET_probabilities_on_every_row()
    {
        // The binary conversion shares its tree reading with the other two; the flights test needs the demo data, this one does not.
        var random = new Random(2026);
        var training = Rows(random, 400, missingShare: 0.0);
        var scoring = training.Concat(Rows(random, 200, missingShare: 0.15)).ToArray();
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 30,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = 1,
        });
        var transformer = trainer.Fit(ml.Data.LoadFromEnumerable(training.Select(row => new BinaryRow { Features = row, Label = Class(row, random) == "east" })));

        var model = FastTreeConversion.ToTreeEnsemble(transformer.Model, FeatureCount);
        var fromMlNet = transformer.Transform(ml.Data.LoadFromEnumerable(scoring.Select(row => new BinaryRow { Features = row })))
            .GetColumn<float>("Probability").ToArray();
        var fromOnnx = Run(TreeEnsembleOnnxExporter.Export(model, Options), scoring, "probability", columns: 1);

        var difference = MaximumDifference(fromMlNet, fromOnnx);
        output.WriteLine($"{model.Trees.Count} trees, {scoring.Length} rows: max |Δp| between ML.NET and ONNX Runtime {difference:E2}");
        Assert.True(fromMlNet.Count(p => p is > 0.8f or < 0.2f) > scoring.Length / 2, "the model is rarely confident, so the comparison would prove little");
        Assert.True(difference <= MaxDifference, $"max |Δp| = {difference:E3} exceeds {MaxDifference}");
    }

    [Fact]
    public void Exported_multiclass_model_gives_the_normalized_probabilities_of_the_ML_NET_class_models_on_every_row()
    {
        var random = new Random(2025);
        var training = Rows(random, 450, missingShare: 0.0);
        var labels = training.Select(row => Array.IndexOf(Classes, Class(row, random))).ToArray();
        var scoring = training.Concat(Rows(random, 200, missingShare: 0.15)).ToArray();
        var ml = new MLContext(seed: 1);
        // One Platt-calibrated FastTree binary model per class, class k against the rest, as ML.NET's one-versus-all trains them.
        var perClass = Enumerable.Range(0, Classes.Length)
            .Select(k => TrainBinary(ml, training.Select((row, i) => new BinaryRow { Features = row, Label = labels[i] == k }), trees: 20))
            .ToList();

        var model = FastTreeConversion.ToTreeEnsemble([.. perClass.Select(transformer => transformer.Model)], FeatureCount);
        // ML.NET's one-versus-all output with useProbabilities: p_k (a float, never below 0) divided by the sum, in double, when it is positive.
        var probabilities = perClass
            .Select(transformer => transformer.Transform(ml.Data.LoadFromEnumerable(scoring.Select(row => new BinaryRow { Features = row })))
                .GetColumn<float>("Probability").ToArray())
            .ToList();
        var fromMlNet = Enumerable.Range(0, scoring.Length).SelectMany(row =>
        {
            var p = probabilities.Select(column => Math.Max(0f, column[row])).ToArray();
            var sum = p.Sum(value => (double)value);
            return p.Select(value => sum > 0 ? (float)(value / sum) : value);
        }).ToArray();
        var fromOnnx = Run(TreeEnsembleOnnxExporter.Export(model, Options), scoring, "probability", columns: Classes.Length);

        var difference = MaximumDifference(fromMlNet, fromOnnx);
        output.WriteLine($"{Classes.Length} classes × {model.Classes[0].Trees.Count} trees, {scoring.Length} rows: max |Δp| between ML.NET and ONNX Runtime {difference:E2}");
        Assert.Equal(Classes.Length, model.Classes.Count);
        Assert.All(model.Classes, ensemble => Assert.Equal(20, ensemble.Trees.Count));
        Assert.Equal(scoring.Length * Classes.Length, fromMlNet.Length);
        Assert.True(fromMlNet.Count(p => p > 0.8f) > scoring.Length / 4, "the model is rarely confident, so the comparison would prove little");
        Assert.True(difference <= MaxDifference, $"max |Δp| = {difference:E3} exceeds {MaxDifference}");
    }

    private static readonly string[] Classes = ["east", "north", "south"];

    private static BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> TrainBinary(
        MLContext ml, IEnumerable<BinaryRow> rows, int trees) =>
        ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = trees,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows));

    // Features uniform in [-2, 2]; a share of them missing (NaN).
    private static float[][] Rows(Random random, int count, double missingShare) =>
        [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, FeatureCount)
            .Select(_ => random.NextDouble() < missingShare ? float.NaN : (float)(random.NextDouble() * 4.0 - 2.0)).ToArray())];

    private static float Target(float[] x, Random random) =>
        (float)(3.0 * x[0] + 2.0 * Math.Sin(2.0 * x[1]) + x[2] * x[3] + 0.1 * (random.NextDouble() - 0.5));

    // Three regions of the (x0, x1) plane, with a little label noise.
    private static string Class(float[] x, Random random)
    {
        if (random.NextDouble() < 0.05)
            return Classes[random.Next(Classes.Length)];
        return x[0] > 0.5 ? "east" : x[1] > 0 ? "north" : "south";
    }

    private static float[] Run(byte[] onnx, float[][] rows, string outputName, int columns)
    {
        using var session = new InferenceSession(onnx);
        var flat = rows.SelectMany(row => row).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(flat, [rows.Length, FeatureCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["features"], [input], [outputName]);
        Assert.Equal([rows.Length, columns], outputs[0].GetTensorTypeAndShape().Shape);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double MaximumDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.DoesNotContain(actual, float.IsNaN);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }

    private sealed class RegressionRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class BinaryRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

}
