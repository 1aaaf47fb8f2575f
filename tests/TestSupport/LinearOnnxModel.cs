using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace TestSupport;

/// <summary>
/// Small linear ONNX models written without ML.NET, straight from the ONNX messages, as a team that trains elsewhere
/// brings its own: multiclass (the softmax of one linear score per label) and regression (one linear value). The
/// input is float [N, F]; the output float [N, K] (multiclass) or [N, 1] (regression).
/// </summary>
public static class LinearOnnxModel
{
    /// <summary>Multiclass: <c>probabilities = softmax(features × weights + bias)</c>, <paramref name="weights"/> [F, K].</summary>
    public static byte[] Multiclass(float[,] weights, float[] bias, string input = "features", string output = "probabilities")
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        var (features, classes) = (weights.GetLength(0), weights.GetLength(1));
        var graph = Graph(input, features, output, classes, weights.Cast<float>(), bias);
        graph.Node.Add(new NodeProto { OpType = "Softmax", Input = { "scores" }, Output = { output }, Attribute = { new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 } } });
        return Model(graph);
    }

    /// <summary>Regression: <c>value = features · weights + bias</c>.</summary>
    public static byte[] Regression(float[] weights, float bias, string input = "features", string output = "value")
    {
        ArgumentNullException.ThrowIfNull(weights);
        var graph = Graph(input, weights.Length, output, 1, weights, [bias]);
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "scores" }, Output = { output } });
        return Model(graph);
    }

    // features [N, F] × weights [F, K] + bias [K] → "scores" [N, K]; the caller adds the node that makes the output.
    private static GraphProto Graph(string input, int features, string output, int columns, IEnumerable<float> weights, IEnumerable<float> bias)
    {
        var graph = new GraphProto { Name = "linear" };
        graph.Initializer.Add(new TensorProto { Name = "weights", DataType = (int)TensorProto.Types.DataType.Float, Dims = { features, columns }, FloatData = { weights } });
        graph.Initializer.Add(new TensorProto { Name = "bias", DataType = (int)TensorProto.Types.DataType.Float, Dims = { columns }, FloatData = { bias } });
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { input, "weights" }, Output = { "product" } });
        graph.Node.Add(new NodeProto { OpType = "Add", Input = { "product", "bias" }, Output = { "scores" } });
        graph.Input.Add(Tensor(input, features));
        graph.Output.Add(Tensor(output, columns));
        return graph;
    }

    private static ValueInfoProto Tensor(string name, int columns) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, new TensorShapeProto.Types.Dimension { DimValue = columns } } },
            },
        },
    };

    private static byte[] Model(GraphProto graph) => new ModelProto
    {
        IrVersion = 8,
        ProducerName = "TestSupport.LinearOnnxModel",
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } },
        Graph = graph,
    }.ToByteArray();
}
