using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Onnx;

namespace Retrainer.Training;

/// <summary>
/// Reads trained ML.NET FastTree models (binary, regression, and one Platt-calibrated binary model per class for
/// multiclass) into the neutral tree ensembles that the ONNX exporter writes, through ML.NET's public API only.
/// </summary>
public static class FastTreeConversion
{
    /// <summary>The ensemble, its tree weights and bias, and the Platt calibration, exactly as ML.NET evaluates them.</summary>
    public static TreeEnsembleModel ToTreeEnsemble(
        CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> model, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ensemble = model.SubModel.TrainedTreeEnsemble;
        return new TreeEnsembleModel(featureCount, ensemble.Bias, Trees(ensemble), Calibration(model.Calibrator));
    }

    /// <summary>
    /// The regression ensemble (from <c>ml.Regression.Trainers.FastTree</c>), its tree weights and bias, exactly as
    /// ML.NET evaluates them: its score is the prediction.
    /// </summary>
    public static RegressionTreeEnsembleModel ToTreeEnsemble(FastTreeRegressionModelParameters model, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ensemble = model.TrainedTreeEnsemble;
        return new RegressionTreeEnsembleModel(featureCount, ensemble.Bias, Trees(ensemble));
    }

    /// <summary>
    /// A one-versus-all multiclass model from its per-class models: class k's Platt-calibrated FastTree binary model
    /// (trained on label == k against the rest, as ML.NET's <c>OneVersusAll</c> trains them), in the order of the card's
    /// labels. The exported graph normalizes the calibrated probabilities by their sum, as ML.NET's one-versus-all model
    /// with <c>useProbabilities: true</c> does. Only ML.NET's public API is read.
    /// </summary>
    /// <exception cref="NotSupportedException">A class's trees have categorical splits.</exception>
    public static MulticlassTreeEnsembleModel ToTreeEnsemble(
        IReadOnlyList<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> classes, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var ensembles = new List<ClassTreeEnsemble>(classes.Count);
        foreach (var binary in classes)
        {
            ArgumentNullException.ThrowIfNull(binary, nameof(classes));
            var ensemble = binary.SubModel.TrainedTreeEnsemble;
            ensembles.Add(new ClassTreeEnsemble(ensemble.Bias, Trees(ensemble), Calibration(binary.Calibrator)));
        }

        return new MulticlassTreeEnsembleModel(featureCount, ensembles);
    }

    private static List<RegressionTreeModel> Trees(RegressionTreeEnsemble ensemble)
    {
        var trees = new List<RegressionTreeModel>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(flag => flag))
                throw new NotSupportedException("categorical splits are not exported; train with CategoricalSplit = false (the default)");
            trees.Add(new RegressionTreeModel(
                Weight: ensemble.TreeWeights[t],
                SplitFeatures: tree.NumericalSplitFeatureIndexes,
                Thresholds: tree.NumericalSplitThresholds,
                LeftChild: tree.LeftChild,
                RightChild: tree.RightChild,
                LeafValues: tree.LeafValues));
        }

        return trees;
    }

    private static PlattCalibration Calibration(PlattCalibrator calibrator) => new(calibrator.Slope, calibrator.Offset);
}
