using System.Buffers.Binary;
using Google.Protobuf;
using Inference.OpenInference.Grpc;

namespace Inference.OpenInference;

/// <summary>
/// An input tensor of the gRPC form: its values are either the typed <c>contents</c> field of its datatype
/// (<c>fp32_contents</c> for FP32, <c>int_contents</c> for INT8/16/32, …) or its entry of the request's
/// <c>raw_input_contents</c> (row-major, little-endian, no padding; the only form FP16 has).
/// </summary>
public sealed class GrpcInputTensor : IInputTensor
{
    private readonly ModelInferRequest.Types.InferInputTensor _input;
    private readonly ByteString? _raw;
    private readonly int _index;

    private GrpcInputTensor(ModelInferRequest.Types.InferInputTensor input, ByteString? raw, int index)
    {
        _input = input;
        _raw = raw;
        _index = index;
    }

    /// <inheritdoc />
    public string? Name => _input.Name;

    /// <inheritdoc />
    public string? Datatype => _input.Datatype;

    /// <inheritdoc />
    public IReadOnlyList<long>? Shape => _input.Shape;

    /// <inheritdoc />
    public string DataField => _raw is null ? $"inputs[{_index}].contents" : $"raw_input_contents[{_index}]";

    /// <summary>
    /// The inputs of <paramref name="request"/>, or what is wrong with how they carry their values: raw contents must
    /// come one per input, and an input with raw contents has no typed ones.
    /// </summary>
    public static (IReadOnlyList<IInputTensor> Inputs, string? Error) Of(ModelInferRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
            return ([], $"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs; send one per input, in the order of inputs.");
        if (raw.Count > 0 && request.Inputs.FirstOrDefault(input => input.Contents is not null && input.Contents.CalculateSize() > 0) is { } both)
            return ([], $"Input '{both.Name}' has contents although the request has raw_input_contents; send the values one way.");
        return ([.. request.Inputs.Select((input, index) => (IInputTensor)new GrpcInputTensor(input, raw.Count > 0 ? raw[index] : null, index))], null);
    }

    /// <inheritdoc />
    public string? TryCopyTo(Span<float> destination) => _raw is { } raw ? CopyRaw(raw.Span, destination) : CopyContents(destination);

    private string? CopyContents(Span<float> destination)
    {
        var contents = _input.Contents ?? new InferTensorContents();
        return _input.Datatype switch
        {
            "FP32" => Copy(contents.Fp32Contents, "fp32_contents", value => value, destination),
            "FP64" => Copy(contents.Fp64Contents, "fp64_contents", value => (float)value, destination),
            "INT8" or "INT16" or "INT32" => Copy(contents.IntContents, "int_contents", value => value, destination),
            "INT64" => Copy(contents.Int64Contents, "int64_contents", value => value, destination),
            "UINT8" or "UINT16" or "UINT32" => Copy(contents.UintContents, "uint_contents", value => value, destination),
            "UINT64" => Copy(contents.Uint64Contents, "uint64_contents", value => value, destination),
            _ => $"{_input.Datatype} has no contents field; send it as raw_input_contents",
        };
    }

    private static string? Copy<T>(IReadOnlyList<T> values, string field, Func<T, float> convert, Span<float> destination)
    {
        if (values.Count != destination.Length)
            return $"{field} holds {values.Count}";
        for (var i = 0; i < values.Count; i++)
        {
            var value = convert(values[i]);
            if (!float.IsFinite(value))
                return $"{field}[{i}] is not a finite number";
            destination[i] = value;
        }

        return null;
    }

    private string? CopyRaw(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        var size = SizeOf(_input.Datatype);
        if (raw.Length != destination.Length * size)
            return $"raw_input_contents[{_index}] has {raw.Length} bytes, not {destination.Length} × {size} ({_input.Datatype}, little-endian)";
        for (var i = 0; i < destination.Length; i++)
        {
            var element = raw.Slice(i * size, size);
            var value = _input.Datatype switch
            {
                "FP32" => BinaryPrimitives.ReadSingleLittleEndian(element),
                "FP64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(element),
                "FP16" => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                "INT8" => (sbyte)element[0],
                "UINT8" => element[0],
                "INT16" => BinaryPrimitives.ReadInt16LittleEndian(element),
                "UINT16" => BinaryPrimitives.ReadUInt16LittleEndian(element),
                "INT32" => BinaryPrimitives.ReadInt32LittleEndian(element),
                "UINT32" => BinaryPrimitives.ReadUInt32LittleEndian(element),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(element),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(element),
            };
            if (!float.IsFinite(value))
                return $"element {i} of raw_input_contents[{_index}] is not a finite number";
            destination[i] = value;
        }

        return null;
    }

    // Bytes per element of a numeric datatype (TensorReader has checked that it is one).
    private static int SizeOf(string datatype) => datatype switch
    {
        "INT8" or "UINT8" => 1,
        "FP16" or "INT16" or "UINT16" => 2,
        "FP32" or "INT32" or "UINT32" => 4,
        _ => 8,
    };
}
