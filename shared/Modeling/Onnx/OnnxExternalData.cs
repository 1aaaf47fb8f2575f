using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace Modeling.Onnx;

/// <summary>
/// Finds the tensors of an ONNX model whose data is not in the file but in another one it names (ONNX's external data:
/// <c>data_location = EXTERNAL</c> or <c>external_data</c> entries). ONNX Runtime would read such a file from the disk of
/// the process that loads the model, wherever the name points, so the platform refuses every model that has one:
/// initializers, sparse initializers, tensors of node attributes, in the main graph, its subgraphs, model-local
/// functions and training graphs alike.
/// </summary>
public static class OnnxExternalData
{
    /// <summary>
    /// What the first tensor of <paramref name="onnx"/> that keeps its data in another file is, as a phrase naming it and the
    /// file it points at (<c>initializer 'weights' (data in 'weights.bin')</c>); null when every tensor holds its own data.
    /// </summary>
    /// <exception cref="InvalidDataException">When <paramref name="onnx"/> is not an ONNX model (a protobuf <c>ModelProto</c>).</exception>
    public static string? Find(byte[] onnx)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new InvalidDataException($"it is not an ONNX model ({exception.Message})", exception);
        }

        var graphs = new Stack<GraphProto>();
        var nodes = new Stack<NodeProto>();
        if (model.Graph is { } main)
            graphs.Push(main);
        foreach (var training in model.TrainingInfo)
        {
            if (training.Initialization is { } initialization)
                graphs.Push(initialization);
            if (training.Algorithm is { } algorithm)
                graphs.Push(algorithm);
        }

        foreach (var function in model.Functions)
        {
            foreach (var node in function.Node)
                nodes.Push(node);
            foreach (var attribute in function.AttributeProto)
            {
                if (InAttribute(attribute, graphs) is { } found)
                    return $"attribute '{attribute.Name}' of function '{function.Name}' {found}";
            }
        }

        while (graphs.Count > 0 || nodes.Count > 0)
        {
            if (graphs.TryPop(out var graph))
            {
                foreach (var initializer in graph.Initializer)
                {
                    if (External(initializer) is { } found)
                        return $"initializer '{initializer.Name}' {found}";
                }

                foreach (var sparse in graph.SparseInitializer)
                {
                    if (External(sparse) is { } found)
                        return $"sparse initializer '{sparse.Values?.Name}' {found}";
                }

                foreach (var node in graph.Node)
                    nodes.Push(node);
            }
            else if (nodes.TryPop(out var node))
            {
                foreach (var attribute in node.Attribute)
                {
                    if (InAttribute(attribute, graphs) is { } found)
                        return $"attribute '{attribute.Name}' of node '{node.Name}' ({node.OpType}) {found}";
                }
            }
        }

        return null;
    }

    // A tensor of the attribute that keeps its data elsewhere; its subgraphs go on the stack.
    private static string? InAttribute(AttributeProto attribute, Stack<GraphProto> graphs)
    {
        if (attribute.G is { } graph)
            graphs.Push(graph);
        foreach (var subgraph in attribute.Graphs)
            graphs.Push(subgraph);
        var found = External(attribute.T);
        foreach (var tensor in attribute.Tensors)
            found ??= External(tensor);
        found ??= External(attribute.SparseTensor);
        foreach (var sparse in attribute.SparseTensors)
            found ??= External(sparse);
        return found;
    }

    private static string? External(SparseTensorProto? sparse) => sparse is null ? null : External(sparse.Values) ?? External(sparse.Indices);

    private static string? External(TensorProto? tensor)
    {
        if (tensor is null || (tensor.DataLocation != TensorProto.Types.DataLocation.External && tensor.ExternalData.Count == 0))
            return null;
        var location = tensor.ExternalData.FirstOrDefault(entry => entry.Key == "location")?.Value;
        return location is null ? "(data in another file)" : $"(data in '{Text.UserText.Shown(location)}')";
    }
}
