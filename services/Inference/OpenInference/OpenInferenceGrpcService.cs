using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Inference.OpenInference.Grpc;
using ServiceDefaults.Metrics;

namespace Inference.OpenInference;

/// <summary>
/// The Open Inference Protocol's gRPC service (<c>inference.GRPCInferenceService</c>, <c>grpc_predict_v2.proto</c>): it
/// translates messages to and from <see cref="TensorInference"/>, which does the same work for the REST form. Errors
/// are gRPC statuses: an unknown model or version NOT_FOUND, an invalid tensor INVALID_ARGUMENT naming the input, more
/// rows than allowed RESOURCE_EXHAUSTED, models still loading UNAVAILABLE. Scopes and rate limits are on the endpoints
/// (<c>ServiceDefaults.Grpc.GrpcOperations</c>), answered before a method runs.
/// </summary>
public sealed class OpenInferenceGrpcService(TensorInference inference) : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The <c>parameters</c> entry of an answer with each row's prediction id, comma-separated.</summary>
    public const string PredictionIdsParameter = "prediction_ids";

    /// <inheritdoc />
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <inheritdoc />
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = inference.IsReady });

    /// <inheritdoc />
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = TensorInference.ServerName, Version = InferenceService.Description.Version });

    /// <inheritdoc />
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Find(request.Name, request.Version, "name");
        return Task.FromResult(new ModelReadyResponse { Ready = true });
    }

    /// <inheritdoc />
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = Find(request.Name, request.Version, "name");
        var tensors = TensorInference.Describe(model.Card);
        var response = new ModelMetadataResponse { Name = model.Card.Name, Platform = TensorInference.Platform };
        response.Versions.Add(model.Card.Version);
        response.Inputs.AddRange(tensors.Inputs.Select(Metadata));
        response.Outputs.AddRange(tensors.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var model = Find(request.ModelName, request.ModelVersion, "model_name");
        context.GetHttpContext().ReportModelVersion(model.Name, model.Version);
        var (inputs, error) = GrpcInputTensor.Of(request);
        if (error is not null)
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        var requested = request.Outputs.Count == 0 ? null : request.Outputs.Select(output => output.Name).ToList();
        var outcome = await inference.InferAsync(model, inputs, requested, context.CancellationToken);
        if (outcome.Error is { } failed)
            throw Failure(failed);

        var response = new ModelInferResponse
        {
            ModelName = model.Name,
            ModelVersion = model.Version,
            Id = request.Id is { Length: > 0 } id ? id : Guid.CreateVersion7().ToString(),
        };
        response.Parameters[PredictionIdsParameter] = new InferParameter { StringParam = string.Join(',', outcome.PredictionIds) };
        // Raw answers to raw questions (as Triton answers every request); the typed fields otherwise.
        var raw = request.RawInputContents.Count > 0;
        foreach (var output in outcome.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype };
            tensor.Shape.AddRange(output.Shape);
            if (raw)
                response.RawOutputContents.Add(RawOf(output));
            else
                tensor.Contents = ContentsOf(output);
            response.Outputs.Add(tensor);
        }

        return response;
    }

    private Runtime.LoadedModel Find(string name, string version, string field)
    {
        if (string.IsNullOrEmpty(name))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is empty; name the model."));
        var found = inference.Find(name, version);
        return found.Model ?? throw Failure(found.Error!);
    }

    private static RpcException Failure(InferenceError error) => new(new Status(
        error.Kind switch
        {
            InferenceErrorKind.NotFound => StatusCode.NotFound,
            InferenceErrorKind.Loading => StatusCode.Unavailable,
            InferenceErrorKind.TooLarge => StatusCode.ResourceExhausted,
            _ => StatusCode.InvalidArgument,
        },
        error.Detail));

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(TensorMetadata tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        metadata.Shape.AddRange(tensor.Shape);
        return metadata;
    }

    private static InferTensorContents ContentsOf(OutputTensor output)
    {
        var contents = new InferTensorContents();
        if (output.Numbers is { } numbers)
            contents.Fp32Contents.AddRange(numbers);
        else
            contents.BytesContents.AddRange(output.Texts!.Select(ByteString.CopyFromUtf8));
        return contents;
    }

    // FP32 as little-endian floats; BYTES as each element's 4-byte little-endian length and its UTF-8 bytes.
    private static ByteString RawOf(OutputTensor output)
    {
        if (output.Numbers is { } numbers)
        {
            var bytes = new byte[numbers.Length * sizeof(float)];
            for (var i = 0; i < numbers.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), numbers[i]);
            return ByteString.CopyFrom(bytes);
        }

        var texts = output.Texts!.Select(Encoding.UTF8.GetBytes).ToList();
        var raw = new byte[texts.Sum(text => sizeof(int) + text.Length)];
        var offset = 0;
        foreach (var text in texts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(offset), text.Length);
            text.CopyTo(raw.AsSpan(offset + sizeof(int)));
            offset += sizeof(int) + text.Length;
        }

        return ByteString.CopyFrom(raw);
    }
}
