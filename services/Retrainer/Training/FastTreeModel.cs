using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Cards;
using Modeling.Onnx;

namespace Retrainer.Training;

/// <summary>
/// The ML.NET FastTree model of one task, trained on a feature table, and its export with the project's own ONNX
/// writer: binary, one Platt-calibrated FastTree binary model; regression, one FastTree regression model; multiclass,
/// one Platt-calibrated FastTree binary model per label of the card (label == k against the rest, as ML.NET's
/// <c>OneVersusAll</c> trains them), whose exported probabilities are normalized by their sum.
/// </summary>
public sealed class FastTreeModel
{
    private readonly List<BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>> _classes;
    private readonly RegressionPredictionTransformer<FastTreeRegressionModelParameters>? _regression;
    private readonly MLContext _ml;

    private FastTreeModel(
        MLContext ml,
        ModelTask task,
        int featureCount,
        List<BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>> classes,
        RegressionPredictionTransformer<FastTreeRegressionModelParameters>? regression)
    {
        (_ml, Task, FeatureCount, _classes, _regression) = (ml, task, featureCount, classes, regression);
    }

    /// <summary>The task it was trained for.</summary>
    public ModelTask Task { get; }

    /// <summary>Floats per row.</summary>
    public int FeatureCount { get; }

    /// <summary>
    /// Binary: the one calibrated model. Multiclass: class k's calibrated model (label k against the rest) at index k.
    /// Regression: none.
    /// </summary>
    public IReadOnlyList<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> ClassModels =>
        [.. _classes.Select(transformer => transformer.Model)];

    /// <summary>Regression: the model; otherwise null.</summary>
    public FastTreeRegressionModelParameters? RegressionModel => _regression?.Model;

    /// <summary>
    /// Trains the task's model on <paramref name="table"/> (truths as <see cref="FeatureTable.Truths"/> says).
    /// CPU-bound: call it off the threads that serve requests.
    /// </summary>
    /// <param name="table">The training rows.</param>
    /// <param name="task">Binary, multiclass or regression.</param>
    /// <param name="labels">Multiclass: the card's labels (a row's truth is its label's index); not used otherwise.</param>
    /// <param name="settings">Trees, leaves, rows per leaf, learning rate and seed.</param>
    /// <exception cref="InvalidOperationException">The rows leave nothing to learn: one class only, or a label no row has.</exception>
    public static FastTreeModel Train(FeatureTable table, ModelTask task, IReadOnlyList<string> labels, FastTreeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(settings);
        var ml = new MLContext(seed: settings.Seed);
        switch (task)
        {
            case ModelTask.Binary:
                var positive = table.Truths.Select(truth => truth >= 0.5).ToArray();
                RequireBothClasses(positive, $"the {table.Rows} usable training rows do not hold both classes; nothing to learn from");
                return new FastTreeModel(ml, task, table.Width, [TrainBinary(ml, table, positive, settings)], null);
            case ModelTask.Multiclass:
                ArgumentOutOfRangeException.ThrowIfLessThan(labels.Count, 2, nameof(labels));
                var perClass = new List<BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>>(labels.Count);
                for (var k = 0; k < labels.Count; k++)
                {
                    var isClass = table.Truths.Select(truth => (int)truth == k).ToArray();
                    RequireBothClasses(isClass, isClass.Any(value => value)
                        ? $"every one of the {table.Rows} usable training rows has the label '{labels[k]}'; nothing to learn from"
                        : $"none of the {table.Rows} usable training rows has the label '{labels[k]}'; a challenger learns every label of the card against the others");
                    perClass.Add(TrainBinary(ml, table, isClass, settings));
                }

                return new FastTreeModel(ml, task, table.Width, perClass, null);
            case ModelTask.Regression:
                if (table.Rows == 0)
                    throw new InvalidOperationException("no usable training rows; nothing to learn from");
                var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
                {
                    NumberOfTrees = settings.Trees,
                    NumberOfLeaves = settings.Leaves,
                    MinimumExampleCountPerLeaf = settings.MinimumRowsPerLeaf,
                    LearningRate = settings.LearningRate,
                    Seed = settings.Seed,
                });
                var values = table.Truths.Select(truth => (float)truth).ToArray();
                return new FastTreeModel(ml, task, table.Width, [], trainer.Fit(DataView(ml, table.Features, table.Width, row => new RegressionRow { Label = values[row] })));
            default:
                throw new ArgumentException($"a model of task {task} cannot be trained", nameof(task));
        }
    }

    /// <summary>
    /// Writes the model as ONNX (<see cref="TreeEnsembleOnnxExporter"/>): binary score and probability [N, 1],
    /// regression score [N, 1], multiclass score and normalized probability [N, K].
    /// </summary>
    public byte[] ExportOnnx(OnnxExportOptions options) => Task switch
    {
        ModelTask.Binary => TreeEnsembleOnnxExporter.Export(FastTreeConversion.ToTreeEnsemble(_classes[0].Model, FeatureCount), options),
        ModelTask.Multiclass => TreeEnsembleOnnxExporter.Export(FastTreeConversion.ToTreeEnsemble(ClassModels, FeatureCount), options),
        _ => TreeEnsembleOnnxExporter.Export(FastTreeConversion.ToTreeEnsemble(_regression!.Model, FeatureCount), options),
    };

    /// <summary>
    /// ML.NET's own outputs for row-major <paramref name="features"/>, the reference the ONNX export is checked against:
    /// binary, the calibrated probability (one per row); regression, the score (one per row); multiclass, each class
    /// model's calibrated probability before normalizing (K per row, class-major within a row).
    /// </summary>
    public float[] PredictWithMlNet(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = features.Length / FeatureCount;
        var view = DataView(_ml, features, FeatureCount, _ => new RegressionRow());
        if (Task == ModelTask.Regression)
            return [.. _regression!.Transform(view).GetColumn<float>("Score")];
        var perClass = _classes.Select(transformer => transformer.Transform(view).GetColumn<float>("Probability").ToArray()).ToList();
        var outputs = new float[rows * perClass.Count];
        for (var row = 0; row < rows; row++)
        {
            for (var k = 0; k < perClass.Count; k++)
                outputs[(row * perClass.Count) + k] = perClass[k][row];
        }

        return outputs;
    }

    private static BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> TrainBinary(
        MLContext ml, FeatureTable table, bool[] labels, FastTreeSettings settings)
    {
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = settings.Trees,
            NumberOfLeaves = settings.Leaves,
            MinimumExampleCountPerLeaf = settings.MinimumRowsPerLeaf,
            LearningRate = settings.LearningRate,
            Seed = settings.Seed,
            // Exported as a plain tree ensemble; FastTree's default of one thread per core is kept.
        });
        return trainer.Fit(DataView(ml, table.Features, table.Width, row => new BinaryRow { Label = labels[row] }));
    }

    private static void RequireBothClasses(bool[] labels, string error)
    {
        if (!labels.Any(label => label) || labels.All(label => label))
            throw new InvalidOperationException(error);
    }

    // ML.NET's view of row-major features: a fixed-size vector column and each row's label.
    private static IDataView DataView<TRow>(MLContext ml, float[] features, int width, Func<int, TRow> row)
        where TRow : FeatureRow
    {
        var schema = SchemaDefinition.Create(typeof(TRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = Enumerable.Range(0, features.Length / width).Select(index =>
        {
            var value = row(index);
            value.Features = features.AsSpan(index * width, width).ToArray();
            return value;
        });
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private abstract class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class BinaryRow : FeatureRow
    {
        public bool Label { get; set; }
    }

    private sealed class RegressionRow : FeatureRow
    {
        public float Label { get; set; }
    }
}

/// <summary>How FastTree trains: the same for every task (and every class of a multiclass model).</summary>
/// <param name="Trees">Boosted trees (per class for multiclass).</param>
/// <param name="Leaves">Leaves per tree.</param>
/// <param name="MinimumRowsPerLeaf">Fewest training rows in a leaf.</param>
/// <param name="LearningRate">Shrinkage.</param>
/// <param name="Seed">The learner's seed.</param>
public sealed record FastTreeSettings(int Trees, int Leaves, int MinimumRowsPerLeaf, double LearningRate, int Seed);
