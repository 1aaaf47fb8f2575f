using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace TestSupport;

/// <summary>Where a crafted model keeps a tensor whose data is in another file (ONNX's external data).</summary>
public enum ExternalTensorPlace
{
    /// <summary>The main graph's initializer <c>weights</c>.</summary>
    Initializer,

    /// <summary>The value of a <c>Constant</c> node that makes <c>weights</c>.</summary>
    ConstantAttribute,

    /// <summary>An initializer of a subgraph (a node attribute's graph).</summary>
    Subgraph,

    /// <summary>The values of a sparse initializer.</summary>
    SparseInitializer,

    /// <summary>The default value of a model-local function's attribute.</summary>
    FunctionAttribute,

    /// <summary>An initializer of a training graph.</summary>
    TrainingGraph,
}

/// <summary>
/// The regression model of <see cref="LinearOnnxModel"/> (<c>value = 2 × x + 1</c>, input <c>features</c> [N, 1], output
/// <c>value</c>) with one tensor whose data is not in the file but in another one it names, as <c>onnx.save_model(…,
/// save_as_external_data=True)</c> writes it: <c>data_location = EXTERNAL</c> and <c>external_data</c> entries
/// (<c>location</c>, <c>offset</c>, <c>length</c>).
/// </summary>
public static class ExternalDataOnnxModel
{
    /// <summary>The model with the tensor at <paramref name="place"/> reading 4 bytes (one float) from <paramref name="location"/>.</summary>
    public static byte[] Regression(ExternalTensorPlace place, string location = "weights.bin")
    {
        var model = ModelProto.Parser.ParseFrom(LinearOnnxModel.Regression([2f], 1f));
        var graph = model.Graph;
        var weights = graph.Initializer.Single(tensor => tensor.Name == "weights");
        switch (place)
        {
            case ExternalTensorPlace.Initializer:
                MakeExternal(weights, location);
                break;
            case ExternalTensorPlace.ConstantAttribute:
                graph.Initializer.Remove(weights);
                MakeExternal(weights, location);
                graph.Node.Insert(0, new NodeProto
                {
                    Name = "weights-constant",
                    OpType = "Constant",
                    Output = { "weights" },
                    Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = weights } },
                });
                break;
            case ExternalTensorPlace.Subgraph:
                graph.Node.Add(new NodeProto
                {
                    Name = "branch",
                    OpType = "If",
                    Attribute = { new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto { Name = "then", Initializer = { External("hidden", location) } } } },
                });
                break;
            case ExternalTensorPlace.SparseInitializer:
                graph.SparseInitializer.Add(new SparseTensorProto
                {
                    Values = External("sparse", location),
                    Indices = new TensorProto { Name = "sparse-indices", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 0 } },
                    Dims = { 1 },
                });
                break;
            case ExternalTensorPlace.FunctionAttribute:
                model.Functions.Add(new FunctionProto
                {
                    Name = "scaled",
                    Domain = "crafted",
                    AttributeProto = { new AttributeProto { Name = "scale", Type = AttributeProto.Types.AttributeType.Tensor, T = External("scale", location) } },
                });
                break;
            case ExternalTensorPlace.TrainingGraph:
                model.TrainingInfo.Add(new TrainingInfoProto { Initialization = new GraphProto { Name = "init", Initializer = { External("state", location) } } });
                break;
        }

        return model.ToByteArray();
    }

    private static TensorProto External(string name, string location)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1, 1 } };
        MakeExternal(tensor, location);
        return tensor;
    }

    private static void MakeExternal(TensorProto tensor, string location)
    {
        tensor.FloatData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "0" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "4" });
    }
}
