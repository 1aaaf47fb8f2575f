namespace Modeling.Onnx;

/// <summary>
/// A regression model made of regression trees, in the shape ML.NET's FastTree regression exposes it, with no
/// dependency on ML.NET. <see cref="TreeEnsembleOnnxExporter"/> writes it as an ONNX model.
/// </summary>
/// <remarks>
/// <para>For a feature vector <c>x</c> of <see cref="FeatureCount"/> floats:</para>
/// <code>
/// score(x) = Bias + Σ_t Trees[t].Weight * Trees[t].LeafValues[leaf_t(x)]
/// </code>
/// <para>The score, like ML.NET's, is summed in double precision and reported as a float. There is no probability.</para>
/// </remarks>
/// <param name="FeatureCount">Length of the feature vector; every split feature index must be below it.</param>
/// <param name="Bias">Added to the weighted sum of the tree outputs.</param>
/// <param name="Trees">The trees, in any order (the sum does not depend on it). May be empty.</param>
public sealed record RegressionTreeEnsembleModel(
    int FeatureCount,
    double Bias,
    IReadOnlyList<RegressionTreeModel> Trees);
