namespace Modeling.Onnx;

/// <summary>
/// A multiclass classifier made of one calibrated binary tree ensemble per class (class k against all others), the
/// way ML.NET's <c>OneVersusAllTrainer</c> over <c>FastTreeBinaryTrainer</c> with <c>useProbabilities: true</c>
/// builds it, with no dependency on ML.NET. <see cref="TreeEnsembleOnnxExporter"/> writes it as an ONNX model.
/// </summary>
/// <remarks>
/// <para>For a feature vector <c>x</c> of <see cref="FeatureCount"/> floats and each class k:</para>
/// <code>
/// score_k(x)       = Classes[k].Bias + Σ_t Classes[k].Trees[t].Weight * Classes[k].Trees[t].LeafValues[leaf_t(x)]
/// p_k(x)           = 1 / (1 + exp(Classes[k].Calibration.Slope * score_k(x) + Classes[k].Calibration.Offset))
/// probability_k(x) = p_k(x) / Σ_j p_j(x)          (every p_k stays 0 when the sum is 0)
/// </code>
/// <para>This is ML.NET's <c>OneVersusAllModelParameters</c> with its <c>ProbabilityNormalization</c> output formula,
/// and it rounds where ML.NET does: each score is summed in double and rounded to float; each p_k is computed in
/// double from that float score and rounded to float (<c>PlattCalibrator</c>); the sum of the float p_k is taken in
/// double, and each quotient is rounded to float. (ML.NET also clamps a negative p_k to 0 before normalizing; a Platt
/// probability is never negative, so that step never changes anything here.)</para>
/// <para>Class k is the k-th class of the model card's <c>output.labels</c>: in ML.NET, the label key k + 1.</para>
/// </remarks>
/// <param name="FeatureCount">Length of the feature vector; every split feature index must be below it.</param>
/// <param name="Classes">One ensemble per class, in the order of the card's labels; at least two.</param>
public sealed record MulticlassTreeEnsembleModel(
    int FeatureCount,
    IReadOnlyList<ClassTreeEnsemble> Classes);

/// <summary>
/// The calibrated binary ensemble of one class of a <see cref="MulticlassTreeEnsembleModel"/>: the class against all
/// others, scored and calibrated as a <see cref="TreeEnsembleModel"/> is.
/// </summary>
/// <param name="Bias">Added to the weighted sum of the tree outputs.</param>
/// <param name="Trees">The trees, in any order (the sum does not depend on it). May be empty.</param>
/// <param name="Calibration">Maps the class's score to its (not yet normalized) probability.</param>
public sealed record ClassTreeEnsemble(
    double Bias,
    IReadOnlyList<RegressionTreeModel> Trees,
    PlattCalibration Calibration);
