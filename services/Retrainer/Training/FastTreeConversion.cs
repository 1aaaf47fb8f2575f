using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Onnx;

namespace Retrainer.Training;

/// <summary>Reads a trained ML.NET FastTree binary model into the neutral tree ensemble that the ONNX exporter writes.</summary>
public static class FastTreeConversion
{
    /// <summary>The ensemble, its tree weights and bias, and the Platt calibration, exactly as ML.NET evaluates them.</summary>
    public static TreeEnsembleModel ToTreeEnsemble(
        CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> model, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ensemble = model.SubModel.TrainedTreeEnsemble;
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

        return new TreeEnsembleModel(featureCount, ensemble.Bias, trees, new PlattCalibration(model.Calibrator.Slope, model.Calibrator.Offset));
    }
}
