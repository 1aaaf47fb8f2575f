namespace Modeling.Onnx;

/// <summary>
/// A calibrated binary classifier made of regression trees, in the shape ML.NET's FastTree exposes it, with no
/// dependency on ML.NET. <see cref="TreeEnsembleOnnxExporter"/> writes it as an ONNX model.
/// </summary>
/// <remarks>
/// <para>For a feature vector <c>x</c> of <see cref="FeatureCount"/> floats:</para>
/// <code>
/// score(x)       = Bias + Σ_t Trees[t].Weight * Trees[t].LeafValues[leaf_t(x)]
/// probability(x) = 1 / (1 + exp(Calibration.Slope * score(x) + Calibration.Offset))
/// </code>
/// <para>The probability formula is ML.NET's <c>PlattCalibrator</c>. The score, like ML.NET's, is summed in
/// double precision and reported as a float; the probability is computed in double from that float score.</para>
/// </remarks>
/// <param name="FeatureCount">Length of the feature vector; every split feature index must be below it.</param>
/// <param name="Bias">Added to the weighted sum of the tree outputs.</param>
/// <param name="Trees">The trees, in any order (the sum does not depend on it). May be empty.</param>
/// <param name="Calibration">Maps the score to the probability of the positive class.</param>
public sealed record TreeEnsembleModel(
    int FeatureCount,
    double Bias,
    IReadOnlyList<RegressionTreeModel> Trees,
    PlattCalibration Calibration);

/// <summary>
/// One regression tree as node arrays, the way ML.NET's FastTree <c>RegressionTree</c> exposes it.
/// </summary>
/// <remarks>
/// <para>Internal node <c>i</c> (0 is the root) splits on feature <c>SplitFeatures[i]</c>: a row with
/// <c>x[SplitFeatures[i]] &lt;= Thresholds[i]</c> goes to <c>LeftChild[i]</c>, any other row (including a NaN
/// feature value, for which the comparison is false) goes to <c>RightChild[i]</c>. A child value
/// <c>c &gt;= 0</c> is internal node <c>c</c>; <c>c &lt; 0</c> is leaf <c>~c</c> (bitwise complement, so -1 is
/// leaf 0).</para>
/// <para>A tree with n internal nodes has n + 1 leaves, each reached by exactly one path from the root. A tree
/// with a single leaf has no internal nodes (empty split arrays) and one leaf value, which every row gets.</para>
/// </remarks>
/// <param name="Weight">Multiplies every leaf value of this tree.</param>
/// <param name="SplitFeatures">Per internal node: the index of the feature it tests.</param>
/// <param name="Thresholds">Per internal node: the threshold (a float, as in ML.NET).</param>
/// <param name="LeftChild">Per internal node: where rows with <c>x[f] &lt;= threshold</c> go.</param>
/// <param name="RightChild">Per internal node: where all other rows go.</param>
/// <param name="LeafValues">Per leaf: the tree's output before <paramref name="Weight"/>.</param>
public sealed record RegressionTreeModel(
    double Weight,
    IReadOnlyList<int> SplitFeatures,
    IReadOnlyList<float> Thresholds,
    IReadOnlyList<int> LeftChild,
    IReadOnlyList<int> RightChild,
    IReadOnlyList<double> LeafValues)
{
    /// <summary>A tree that gives every row <paramref name="leafValue"/> (times <paramref name="weight"/>).</summary>
    public static RegressionTreeModel SingleLeaf(double leafValue, double weight = 1.0) =>
        new(weight, [], [], [], [], [leafValue]);
}

/// <summary>
/// Platt scaling as ML.NET's <c>PlattCalibrator</c> defines it:
/// <c>probability = 1 / (1 + exp(Slope * score + Offset))</c>. A useful model has a negative slope.
/// </summary>
/// <param name="Slope">Multiplies the score.</param>
/// <param name="Offset">Added after the multiplication.</param>
public sealed record PlattCalibration(double Slope, double Offset);
