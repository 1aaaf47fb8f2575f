using Modeling.Onnx;

namespace Modeling.Tests.Onnx;

/// <summary>
/// The ensemble's meaning, written independently of the exporter: walk each tree's node arrays as ML.NET does
/// and compute everything in double.
/// </summary>
internal static class EnsembleReference
{
    public static double Score(TreeEnsembleModel model, ReadOnlySpan<float> row)
    {
        var score = model.Bias;
        foreach (var tree in model.Trees)
            score += tree.Weight * tree.LeafValues[Leaf(tree, row)];
        return score;
    }

    public static double Probability(TreeEnsembleModel model, double score) =>
        1.0 / (1.0 + Math.Exp(model.Calibration.Slope * score + model.Calibration.Offset));

    public static int Leaf(RegressionTreeModel tree, ReadOnlySpan<float> row)
    {
        if (tree.SplitFeatures.Count == 0)
            return 0;
        var node = 0;
        while (node >= 0)
        {
            // NaN <= t is false, so a missing value goes right, as in ML.NET.
            node = row[tree.SplitFeatures[node]] <= tree.Thresholds[node] ? tree.LeftChild[node] : tree.RightChild[node];
        }

        return ~node;
    }
}
