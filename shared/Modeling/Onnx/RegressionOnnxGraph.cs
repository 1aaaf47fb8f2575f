using Modeling.Onnx.Protobuf;
using static Modeling.Onnx.OnnxNodes;

namespace Modeling.Onnx;

/// <summary>
/// The graph of a <see cref="RegressionTreeEnsembleModel"/>, for input float [N, F]:
/// <code>
/// features ─ Cast(double) ─ TreeEnsembleRegressor (ai.onnx.ml) ─→ score float [N, 1]
/// </code>
/// </summary>
internal static class RegressionOnnxGraph
{
    /// <summary>Names of the values inside the graph; the configurable input and output names must differ from them.</summary>
    public static IReadOnlyList<string> InternalValueNames { get; } = ["features_as_double"];

    /// <summary>The graph of a valid model, with the names of valid options.</summary>
    public static GraphProto Build(RegressionTreeEnsembleModel model, OnnxExportOptions options)
    {
        var graph = new GraphProto
        {
            Name = options.ModelName,
            DocString = $"Regression tree ensemble: {model.Trees.Count} trees over {model.FeatureCount} features; "
                + $"{options.ScoreOutputName} = bias + sum of tree outputs.",
        };
        graph.Input.Add(FloatTensor(options.InputName, model.FeatureCount));
        graph.Output.Add(FloatTensor(options.ScoreOutputName, 1));

        graph.Node.Add(Cast(options.InputName, "features_as_double", TensorProto.Types.DataType.Double));
        graph.Node.Add(TreeEnsembleRegressorNode.Create([new TreeEnsembleTarget(model.Bias, model.Trees)], "features_as_double", options.ScoreOutputName));
        return graph;
    }
}
