using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Onnx;

namespace Retrainer.Training;

/// <summary>
/// Reads trained ML.NET FastTree models (binary, regression, and one-versus-all multiclass over FastTree binary) into
/// the neutral tree ensembles that the ONNX exporter writes.
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
    /// The per-class ensembles and calibrations of a one-versus-all model trained by
    /// <c>ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(...))</c> with
    /// <c>useProbabilities: true</c> (the default), whose Score column is the normalized probability vector. Class k is
    /// the label key k + 1, i.e. the k-th value of the label's key values.
    /// </summary>
    /// <exception cref="NotSupportedException">
    /// The model was trained with <c>useProbabilities: false</c> (its scores are not probabilities), over another binary
    /// trainer than Platt-calibrated FastTree, or with categorical splits.
    /// </exception>
    public static MulticlassTreeEnsembleModel ToTreeEnsemble(OneVersusAllModelParameters model, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        var formula = OneVersusAllParts.OutputFormula(model);
        if (formula != OneVersusAllParts.ProbabilityNormalization)
            throw new NotSupportedException($"the one-versus-all model's output formula is {formula}; only {OneVersusAllParts.ProbabilityNormalization} (OneVersusAll with useProbabilities: true over a calibrated binary trainer) is exported");

        var classes = new List<ClassTreeEnsemble>();
        var subModels = OneVersusAllParts.SubModels(model);
        for (var k = 0; k < subModels.Count; k++)
        {
            if (subModels[k] is not CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> binary)
                throw new NotSupportedException($"class {k}'s model is a {subModels[k].GetType().Name}; only Platt-calibrated FastTree binary models (ml.BinaryClassification.Trainers.FastTree) are exported");
            var ensemble = binary.SubModel.TrainedTreeEnsemble;
            classes.Add(new ClassTreeEnsemble(ensemble.Bias, Trees(ensemble), Calibration(binary.Calibrator)));
        }

        return new MulticlassTreeEnsembleModel(featureCount, classes);
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
