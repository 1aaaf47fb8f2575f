using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace Modeling.Onnx;

/// <summary>Small builders of ONNX protobuf pieces (nodes, attributes, tensors, graph inputs and outputs) the exporter assembles.</summary>
internal static class OnnxNodes
{
    /// <summary>The <c>ai.onnx.ml</c> operator domain.</summary>
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>A graph input or output: float [N, <paramref name="columns"/>] with a free batch dimension named N.</summary>
    public static ValueInfoProto FloatTensor(string name, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    /// <summary>A node with one output.</summary>
    public static NodeProto Node(string opType, string name, string[] inputs, string output, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>A <c>Cast</c> node named <c>cast_to_{output}</c>.</summary>
    public static NodeProto Cast(string input, string output, TensorProto.Types.DataType to)
    {
        var node = Node("Cast", $"cast_to_{output}", [input], output);
        node.Attribute.Add(Int("to", (long)to));
        return node;
    }

    /// <summary>A double initializer of shape [] (a scalar).</summary>
    public static TensorProto DoubleScalar(string name, double value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double };
        tensor.DoubleData.Add(value);
        return tensor;
    }

    /// <summary>A double initializer of shape [values.Count].</summary>
    public static TensorProto DoubleVector(string name, IReadOnlyCollection<double> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double };
        tensor.Dims.Add(values.Count);
        tensor.DoubleData.AddRange(values);
        return tensor;
    }

    /// <summary>An int64 initializer of shape [values.Count].</summary>
    public static TensorProto Int64Vector(string name, IReadOnlyCollection<long> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Count);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A string attribute (UTF-8).</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A list-of-integers attribute.</summary>
    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A list-of-strings attribute.</summary>
    public static AttributeProto Strings(string name, IEnumerable<ByteString> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor attribute holding a double vector (the <c>*_as_tensor</c> attributes of the tree operators).</summary>
    public static AttributeProto DoubleTensor(string name, List<double> values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Double };
        tensor.Dims.Add(values.Count);
        tensor.DoubleData.AddRange(values);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }
}
