using Modeling.Onnx.Protobuf;
using static Modeling.Onnx.OnnxNodes;

namespace Modeling.Onnx;

/// <summary>
/// The graph of a calibrated binary <see cref="TreeEnsembleModel"/>, for input float [N, F]:
/// <code>
/// features ─ Cast(double) ─ TreeEnsembleRegressor (ai.onnx.ml) ─────────────────────────→ score       float [N, 1]
/// score    ─ Cast(double) ─ Mul(-Slope) ─ Add(-Offset) ─ Sigmoid ─ Cast(float) ─→ probability float [N, 1]
/// </code>
/// </summary>
internal static class BinaryOnnxGraph
{
    /// <summary>Names of the values inside the graph; the configurable input and output names must differ from them.</summary>
    public static IReadOnlyList<string> InternalValueNames { get; } =
    [
        "features_as_double", "score_as_double", "negated_slope", "negated_scaled_score", "negated_offset",
        "calibrated_logit", "probability_as_double",
    ];

    /// <summary>The graph of a valid model, with the names of valid options.</summary>
    public static GraphProto Build(TreeEnsembleModel model, OnnxExportOptions options)
    {
        var graph = new GraphProto
        {
            Name = options.ModelName,
            DocString = $"Calibrated binary tree ensemble: {model.Trees.Count} trees over {model.FeatureCount} features; "
                + $"{options.ScoreOutputName} = bias + sum of tree outputs, "
                + $"{options.ProbabilityOutputName} = 1 / (1 + exp(slope * {options.ScoreOutputName} + offset)).",
        };
        graph.Input.Add(FloatTensor(options.InputName, model.FeatureCount));
        graph.Output.Add(FloatTensor(options.ScoreOutputName, 1));
        graph.Output.Add(FloatTensor(options.ProbabilityOutputName, 1));

        graph.Node.Add(Cast(options.InputName, "features_as_double", TensorProto.Types.DataType.Double));
        graph.Node.Add(TreeEnsembleRegressorNode.Create([new TreeEnsembleTarget(model.Bias, model.Trees)], "features_as_double", options.ScoreOutputName));
        graph.Node.Add(Cast(options.ScoreOutputName, "score_as_double", TensorProto.Types.DataType.Double));
        graph.Initializer.Add(DoubleScalar("negated_slope", -model.Calibration.Slope));
        graph.Node.Add(Node("Mul", "scale_score", ["score_as_double", "negated_slope"], "negated_scaled_score"));
        graph.Initializer.Add(DoubleScalar("negated_offset", -model.Calibration.Offset));
        graph.Node.Add(Node("Add", "offset_score", ["negated_scaled_score", "negated_offset"], "calibrated_logit"));
        graph.Node.Add(Node("Sigmoid", "calibrate", ["calibrated_logit"], "probability_as_double"));
        graph.Node.Add(Cast("probability_as_double", options.ProbabilityOutputName, TensorProto.Types.DataType.Float));
        return graph;
    }
}
