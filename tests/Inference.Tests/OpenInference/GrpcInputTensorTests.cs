using System.Buffers.Binary;
using Google.Protobuf;
using Inference.OpenInference;
using Inference.OpenInference.Grpc;

namespace Inference.Tests.OpenInference;

/// <summary>A gRPC request's feature tensor, from its typed contents or its raw bytes, through the same checks as the REST form's.</summary>
public sealed class GrpcInputTensorTests
{
    private const int Width = 3;

    [Fact]
    public void Typed_fp32_contents_are_read_row_major()
    {
        var read = Read(Request("FP32", [2, Width], contents => contents.Fp32Contents.AddRange([1, 2, 3, 4, 5, 6])));

        Assert.Equal(2, read.Rows);
        Assert.Equal([1f, 2, 3, 4, 5, 6], read.Features!);
    }

    [Fact]
    public void Integer_and_double_contents_are_read_from_the_field_of_their_datatype()
    {
        Assert.Equal([1f, -2, 3], Read(Request("INT32", [1, Width], contents => contents.IntContents.AddRange([1, -2, 3]))).Features!);
        Assert.Equal([1f, 2, 3], Read(Request("UINT64", [1, Width], contents => contents.Uint64Contents.AddRange([1, 2, 3]))).Features!);
        Assert.Equal([0.5f, 1.5f, 2.5f], Read(Request("FP64", [1, Width], contents => contents.Fp64Contents.AddRange([0.5, 1.5, 2.5]))).Features!);
    }

    [Fact]
    public void Raw_contents_are_read_as_little_endian_values_of_the_datatype()
    {
        var fp32 = new byte[6 * 4];
        for (var i = 0; i < 6; i++)
            BinaryPrimitives.WriteSingleLittleEndian(fp32.AsSpan(i * 4), i + 0.25f);
        Assert.Equal([0.25f, 1.25f, 2.25f, 3.25f, 4.25f, 5.25f], Read(Raw("FP32", [2, Width], fp32)).Features!);

        var int64 = new byte[3 * 8];
        BinaryPrimitives.WriteInt64LittleEndian(int64.AsSpan(0), -7);
        BinaryPrimitives.WriteInt64LittleEndian(int64.AsSpan(8), 0);
        BinaryPrimitives.WriteInt64LittleEndian(int64.AsSpan(16), 1000);
        Assert.Equal([-7f, 0, 1000], Read(Raw("INT64", [1, Width], int64)).Features!);

        var fp16 = new byte[3 * 2];
        for (var i = 0; i < 3; i++)
            BinaryPrimitives.WriteHalfLittleEndian(fp16.AsSpan(i * 2), (Half)(i * 2));
        Assert.Equal([0f, 2, 4], Read(Raw("FP16", [1, Width], fp16)).Features!);
    }

    [Fact]
    public void Raw_contents_of_the_wrong_size_are_refused_naming_the_input_and_the_field()
    {
        var read = Read(Raw("FP32", [2, Width], new byte[23]));

        Assert.Null(read.Features);
        Assert.Equal("raw_input_contents[0]", read.Field);
        Assert.Contains("Input 'features'", read.Error, StringComparison.Ordinal);
        Assert.Contains("23 bytes, not 6 × 4", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Contents_in_another_field_than_the_datatypes_or_not_finite_are_refused()
    {
        var wrongField = Read(Request("FP32", [1, Width], contents => contents.Fp64Contents.AddRange([1, 2, 3])));
        Assert.Equal("inputs[0].contents", wrongField.Field);
        Assert.Contains("fp32_contents holds 0", wrongField.Error, StringComparison.Ordinal);

        var notFinite = Read(Request("FP32", [1, Width], contents => contents.Fp32Contents.AddRange([1, float.NaN, 3])));
        Assert.Contains("fp32_contents[1] is not a finite number", notFinite.Error, StringComparison.Ordinal);

        var half = Read(Request("FP16", [1, Width], _ => { }));
        Assert.Contains("FP16 has no contents field; send it as raw_input_contents", half.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shape_and_datatype_are_checked_as_for_the_REST_form()
    {
        var shape = Read(Request("FP32", [2, Width + 1], contents => contents.Fp32Contents.AddRange(new float[8])));
        Assert.Equal("inputs[0].shape", shape.Field);
        Assert.Contains($"Input 'features' must have shape [N, {Width}]", shape.Error, StringComparison.Ordinal);

        var datatype = Read(Request("BYTES", [1, Width], contents => contents.BytesContents.Add(ByteString.CopyFromUtf8("x"))));
        Assert.Equal("inputs[0].datatype", datatype.Field);

        var tooMany = TensorReader.Read(GrpcInputTensor.Of(Request("FP32", [11, Width], contents => contents.Fp32Contents.AddRange(new float[33]))).Inputs, "features", Width, maxRows: 10);
        Assert.True(tooMany.IsTooLarge);
    }

    [Fact]
    public void Raw_contents_must_come_one_per_input_and_not_beside_typed_contents()
    {
        var both = Request("FP32", [1, Width], contents => contents.Fp32Contents.AddRange([1, 2, 3]));
        both.RawInputContents.Add(ByteString.CopyFrom(new byte[12]));
        Assert.Contains("has contents although the request has raw_input_contents", GrpcInputTensor.Of(both).Error, StringComparison.Ordinal);

        var extra = Raw("FP32", [1, Width], new byte[12]);
        extra.RawInputContents.Add(ByteString.CopyFrom(new byte[12]));
        Assert.Contains("raw_input_contents has 2 entries for 1 inputs", GrpcInputTensor.Of(extra).Error, StringComparison.Ordinal);
    }

    private static TensorReadResult Read(ModelInferRequest request)
    {
        var (inputs, error) = GrpcInputTensor.Of(request);
        Assert.Null(error);
        return TensorReader.Read(inputs, "features", Width, maxRows: 100);
    }

    private static ModelInferRequest Request(string datatype, long[] shape, Action<InferTensorContents> fill)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = datatype, Contents = new InferTensorContents() };
        input.Shape.AddRange(shape);
        fill(input.Contents);
        var request = new ModelInferRequest { ModelName = "m" };
        request.Inputs.Add(input);
        return request;
    }

    private static ModelInferRequest Raw(string datatype, long[] shape, byte[] bytes)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = datatype };
        input.Shape.AddRange(shape);
        var request = new ModelInferRequest { ModelName = "m" };
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(bytes));
        return request;
    }
}
