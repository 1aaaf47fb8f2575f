using Modeling.Onnx.Protobuf;
using static Modeling.Onnx.OnnxNodes;

namespace Modeling.Onnx;

/// <summary>
/// The graph of a <see cref="MulticlassTreeEnsembleModel"/> with K classes, for input float [N, F]:
/// <code>
/// features ─ Cast(double) ─ TreeEnsembleRegressor (ai.onnx.ml, K targets) ───────────────────→ score float [N, K]
/// score    ─ Cast(double) ─ Mul(-Slope[K]) ─ Add(-Offset[K]) ─ Sigmoid ─ Cast(float) ─ Cast(double) ─→ p [N, K]
/// p        ─ ReduceSum(axis 1) ─ Where(sum > 0, sum, 1) ─→ divisor [N, 1]
/// p / divisor ─ Cast(float) ─────────────────────────────────────────────────────────→ probability float [N, K]
/// </code>
/// <para>Column k of both outputs is class k (<see cref="MulticlassTreeEnsembleModel.Classes"/>). The casts to float
/// round where ML.NET rounds: the per-class score, the per-class calibrated probability, the normalized probability.
/// The divisor of 1 when every p_k is 0 leaves them 0, as ML.NET does (it divides only when the sum is positive).</para>
/// </summary>
internal static class MulticlassOnnxGraph
{
    /// <summary>Names of the values inside the graph; the configurable input and output names must differ from them.</summary>
    public static IReadOnlyList<string> InternalValueNames { get; } =
    [
        "features_as_double", "scores_as_double", "negated_slopes", "negated_scaled_scores", "negated_offsets",
        "calibrated_logits", "calibrated_as_double", "calibrated", "calibrated_rounded", "sum_axes", "calibrated_sum",
        "zero", "one", "calibrated_sum_is_positive", "divisor", "probability_as_double",
    ];

    /// <summary>The graph of a valid model, with the names of valid options.</summary>
    public static GraphProto Build(MulticlassTreeEnsembleModel model, OnnxExportOptions options)
    {
        var classes = model.Classes;
        var graph = new GraphProto
        {
            Name = options.ModelName,
            DocString = $"One-versus-all multiclass tree ensemble: {classes.Count} classes, "
                + $"{classes.Sum(ensemble => ensemble.Trees.Count)} trees over {model.FeatureCount} features; "
                + $"{options.ScoreOutputName}[k] = bias_k + sum of class k's tree outputs, "
                + $"p_k = 1 / (1 + exp(slope_k * {options.ScoreOutputName}[k] + offset_k)), "
                + $"{options.ProbabilityOutputName}[k] = p_k / sum of p (0 when that sum is 0).",
        };
        graph.Input.Add(FloatTensor(options.InputName, model.FeatureCount));
        graph.Output.Add(FloatTensor(options.ScoreOutputName, classes.Count));
        graph.Output.Add(FloatTensor(options.ProbabilityOutputName, classes.Count));

        // Per-class scores, each summed in double and rounded to float, as each binary FastTree model does.
        graph.Node.Add(Cast(options.InputName, "features_as_double", TensorProto.Types.DataType.Double));
        var targets = classes.Select(ensemble => new TreeEnsembleTarget(ensemble.Bias, ensemble.Trees)).ToList();
        graph.Node.Add(TreeEnsembleRegressorNode.Create(targets, "features_as_double", options.ScoreOutputName));

        // Per-class Platt calibration in double from the float score, rounded to float as PlattCalibrator returns it.
        graph.Node.Add(Cast(options.ScoreOutputName, "scores_as_double", TensorProto.Types.DataType.Double));
        graph.Initializer.Add(DoubleVector("negated_slopes", [.. classes.Select(ensemble => -ensemble.Calibration.Slope)]));
        graph.Node.Add(Node("Mul", "scale_scores", ["scores_as_double", "negated_slopes"], "negated_scaled_scores"));
        graph.Initializer.Add(DoubleVector("negated_offsets", [.. classes.Select(ensemble => -ensemble.Calibration.Offset)]));
        graph.Node.Add(Node("Add", "offset_scores", ["negated_scaled_scores", "negated_offsets"], "calibrated_logits"));
        graph.Node.Add(Node("Sigmoid", "calibrate", ["calibrated_logits"], "calibrated_as_double"));
        graph.Node.Add(Cast("calibrated_as_double", "calibrated", TensorProto.Types.DataType.Float));
        graph.Node.Add(Cast("calibrated", "calibrated_rounded", TensorProto.Types.DataType.Double));

        // OneVersusAllModelParameters' ProbabilityNormalization: the float probabilities summed in double, each
        // divided by the sum when it is positive, the quotient rounded to float.
        graph.Initializer.Add(Int64Vector("sum_axes", [1]));
        var sum = Node("ReduceSum", "sum_classes", ["calibrated_rounded", "sum_axes"], "calibrated_sum");
        sum.Attribute.Add(Int("keepdims", 1));
        graph.Node.Add(sum);
        graph.Initializer.Add(DoubleScalar("zero", 0.0));
        graph.Node.Add(Node("Greater", "sum_is_positive", ["calibrated_sum", "zero"], "calibrated_sum_is_positive"));
        graph.Initializer.Add(DoubleScalar("one", 1.0));
        graph.Node.Add(Node("Where", "choose_divisor", ["calibrated_sum_is_positive", "calibrated_sum", "one"], "divisor"));
        graph.Node.Add(Node("Div", "normalize", ["calibrated_rounded", "divisor"], "probability_as_double"));
        graph.Node.Add(Cast("probability_as_double", options.ProbabilityOutputName, TensorProto.Types.DataType.Float));
        return graph;
    }
}
