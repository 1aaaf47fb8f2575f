using Modeling.Onnx;

namespace Modeling.Tests.Onnx;

/// <summary>
/// The ensemble's meaning, written independently of the exporter: walk each tree's node arrays as ML.NET does
/// and compute everything in double.
/// </summary>
internal static class EnsembleReference
{
    public static double Score(TreeEnsembleModel model, ReadOnlySpan<float> row) => Sum(model.Bias, model.Trees, row);

    public static double Probability(TreeEnsembleModel model, double score) =>
        1.0 / (1.0 + Math.Exp(model.Calibration.Slope * score + model.Calibration.Offset));

    public static double Score(RegressionTreeEnsembleModel model, ReadOnlySpan<float> row) => Sum(model.Bias, model.Trees, row);

    /// <summary>Each class's score, in double (before ML.NET's rounding to float).</summary>
    public static double[] Scores(MulticlassTreeEnsembleModel model, ReadOnlySpan<float> row)
    {
        var scores = new double[model.Classes.Count];
        for (var k = 0; k < scores.Length; k++)
            scores[k] = Sum(model.Classes[k].Bias, model.Classes[k].Trees, row);
        return scores;
    }

    /// <summary>
    /// ML.NET's one-versus-all probabilities, step by step as <c>OneVersusAllModelParameters</c> with
    /// <c>ProbabilityNormalization</c> computes them: each binary model's score rounded to float, its Platt
    /// probability computed in double and rounded to float, negative ones clamped to 0, the sum in double, each
    /// probability divided by the sum only when the sum is positive, rounded to float.
    /// </summary>
    public static float[] Probabilities(MulticlassTreeEnsembleModel model, ReadOnlySpan<float> row)
    {
        var scores = Scores(model, row);
        var probabilities = new float[scores.Length];
        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++)
        {
            var calibration = model.Classes[k].Calibration;
            var score = (float)scores[k];
            probabilities[k] = (float)(1.0 / (1.0 + Math.Exp(calibration.Slope * score + calibration.Offset)));
            if (probabilities[k] >= 0)
                sum += probabilities[k];
            else
                probabilities[k] = 0;
        }

        if (sum > 0)
        {
            for (var k = 0; k < probabilities.Length; k++)
                probabilities[k] = (float)(probabilities[k] / sum);
        }

        return probabilities;
    }

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

    private static double Sum(double bias, IReadOnlyList<RegressionTreeModel> trees, ReadOnlySpan<float> row)
    {
        var score = bias;
        foreach (var tree in trees)
            score += tree.Weight * tree.LeafValues[Leaf(tree, row)];
        return score;
    }
}
