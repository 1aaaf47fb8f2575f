using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ServiceDefaults.Scoring;
using ServiceDefaults.Scoring.Grpc;
using Inference.OpenInference.Grpc;
using Integration.Tests.Online;

namespace Integration.Tests.OpenInference;

/// <summary>
/// The Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>) with Grpc.Net.Client, through the
/// gateway's HTTP/2 port in the distributed mode and on an Inference replica's own: every method, typed and raw
/// tensors, a version named, errors and their codes, credentials and scopes as the REST form has them, the rate limit,
/// and predictions that reach the prediction log.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedGrpcTests(SharedSystem system)
{
    private const int Width = 6;

    public static TheoryData<string> Addresses => ["gateway", "inference-1"];

    private Uri AddressOf(string service) => system.Service(service).GrpcAddress!;

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task Every_method_answers_as_the_REST_form_does(string service)
    {
        using var grpc = new OpenInferenceGrpc(AddressOf(service));
        var admin = OpenInferenceGrpc.With(TestKeys.Admin);

        Assert.True((await grpc.Client.ServerLiveAsync(new ServerLiveRequest(), OpenInferenceGrpc.With(null))).Live);
        Assert.True((await grpc.Client.ServerReadyAsync(new ServerReadyRequest(), OpenInferenceGrpc.With(null))).Ready);
        var server = await grpc.Client.ServerMetadataAsync(new ServerMetadataRequest(), admin);
        Assert.Equal("ml-platform-inference", server.Name);
        Assert.NotEmpty(server.Version);

        var metadata = await grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name }, admin);
        Assert.Equal(TestModel.Name, metadata.Name);
        Assert.Equal([TestModel.Version], metadata.Versions);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal("FP32", input.Datatype);
        Assert.Equal([-1L, Width], input.Shape);
        Assert.Equal(["probability", "score", "label"], metadata.Outputs.Select(output => output.Name));
        var versioned = await grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name, Version = TestModel.Version }, admin);
        Assert.Equal(metadata, versioned);

        Assert.True((await grpc.Client.ModelReadyAsync(new ModelReadyRequest { Name = TestModel.Name }, admin)).Ready);
        Assert.True((await grpc.Client.ModelReadyAsync(new ModelReadyRequest { Name = TestModel.Name, Version = TestModel.Version }, admin)).Ready);
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task Typed_and_raw_tensors_get_the_same_predictions_and_each_reaches_the_prediction_log(string service)
    {
        using var grpc = new OpenInferenceGrpc(AddressOf(service));
        var admin = OpenInferenceGrpc.With(TestKeys.Admin);

        var typed = await grpc.Client.ModelInferAsync(OpenInferenceGrpc.Typed(TestModel.Name, "", "features", 3, Width), admin);
        var raw = await grpc.Client.ModelInferAsync(OpenInferenceGrpc.Raw(TestModel.Name, TestModel.Version, "features", 3, Width), admin);

        Assert.Equal((TestModel.Name, TestModel.Version, "typed"), (typed.ModelName, typed.ModelVersion, typed.Id));
        Assert.Equal((TestModel.Name, TestModel.Version, "raw"), (raw.ModelName, raw.ModelVersion, raw.Id));
        Assert.Equal(["probability", "score", "label"], typed.Outputs.Select(output => output.Name));
        Assert.Equal(typed.Outputs.Select(Describe), raw.Outputs.Select(Describe));
        Assert.Equal([3L, 1L], typed.Outputs[0].Shape);
        Assert.Empty(typed.RawOutputContents);
        Assert.Equal(3, raw.RawOutputContents.Count);
        Assert.All(raw.Outputs, output => Assert.Null(output.Contents));

        // The same rows, the same model: the same numbers and labels, whichever form they came in and went out.
        var probabilities = typed.Outputs[0].Contents.Fp32Contents.ToArray();
        Assert.Equal(3, probabilities.Length);
        Assert.All(probabilities, probability => Assert.InRange(probability, 0f, 1f));
        Assert.Equal(probabilities, OpenInferenceGrpc.FloatsOf(raw.RawOutputContents[0]));
        Assert.Equal(typed.Outputs[1].Contents.Fp32Contents, OpenInferenceGrpc.FloatsOf(raw.RawOutputContents[1]));
        var labels = typed.Outputs[2].Contents.BytesContents.Select(label => label.ToStringUtf8()).ToList();
        Assert.Equal(probabilities.Select(probability => probability >= 0.5 ? "late" : "on-time"), labels);
        Assert.Equal(labels, OpenInferenceGrpc.TextsOf(raw.RawOutputContents[2]));

        // Each row's prediction is logged like a REST one: its features, the version, the source 'tensor'.
        var ids = raw.Parameters["prediction_ids"].StringParam.Split(',');
        Assert.Equal(3, ids.Length);
        Assert.Equal(3, typed.Parameters["prediction_ids"].StringParam.Split(',').Length);
        var features = OpenInferenceGrpc.Features(3, Width);
        for (var row = 0; row < ids.Length; row++)
        {
            var logged = await Poll.GetJsonAsync(system.Client, $"/api/v1/predictions/{ids[row]}", _ => true, Deadlines.DistributedState, system.Failure);
            Assert.Equal(TestModel.Version, logged.GetProperty("modelVersion").GetString());
            Assert.Equal("tensor", logged.GetProperty("source").GetString());
            Assert.Equal(labels[row], logged.GetProperty("label").GetString());
            Assert.Equal(features.Skip(row * Width).Take(Width), logged.GetProperty("features").EnumerateArray().Select(value => value.GetSingle()));
        }
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task Errors_are_gRPC_statuses_that_say_what_is_wrong(string service)
    {
        using var grpc = new OpenInferenceGrpc(AddressOf(service));
        var admin = OpenInferenceGrpc.With(TestKeys.Admin);

        var unknown = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(OpenInferenceGrpc.Typed("no-such-model", "", "features", 1, Width), admin));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no-such-model", unknown.Status.Detail, StringComparison.Ordinal);
        var version = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name, Version = "999" }, admin));
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
        Assert.Contains("999", version.Status.Detail, StringComparison.Ordinal);
        var notReady = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelReadyAsync(new ModelReadyRequest { Name = "no-such-model" }, admin));
        Assert.Equal(StatusCode.NotFound, notReady.StatusCode);

        var wrongShape = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(OpenInferenceGrpc.Typed(TestModel.Name, "", "features", 1, Width + 1), admin));
        Assert.Equal(StatusCode.InvalidArgument, wrongShape.StatusCode);
        Assert.Contains("Input 'features'", wrongShape.Status.Detail, StringComparison.Ordinal);
        var shortRaw = OpenInferenceGrpc.Raw(TestModel.Name, "", "features", 2, Width);
        shortRaw.RawInputContents[0] = ByteString.CopyFrom(shortRaw.RawInputContents[0].Span[..^4]);
        var truncated = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(shortRaw, admin));
        Assert.Equal(StatusCode.InvalidArgument, truncated.StatusCode);
        Assert.Contains("raw_input_contents[0] has 44 bytes", truncated.Status.Detail, StringComparison.Ordinal);
        var wrongName = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(OpenInferenceGrpc.Typed(TestModel.Name, "", "pixels", 1, Width), admin));
        Assert.Equal(StatusCode.InvalidArgument, wrongName.StatusCode);
        Assert.Contains("'pixels'", wrongName.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task A_call_without_a_credential_is_UNAUTHENTICATED_and_one_without_the_scope_PERMISSION_DENIED(string service)
    {
        var keys = await KeysAsync();
        using var grpc = new OpenInferenceGrpc(AddressOf(service));
        var request = OpenInferenceGrpc.Typed(TestModel.Name, "", "features", 1, Width);

        var none = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(null)));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Contains("authorization: Bearer", none.Status.Detail, StringComparison.Ordinal);
        var wrong = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With("mlp_000000000000_not-a-key")));
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await OpenInferenceGrpc.FailureOfAsync(
            grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name }, OpenInferenceGrpc.With(null)))).StatusCode);

        var readOnly = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(keys["read"])));
        Assert.Equal(StatusCode.PermissionDenied, readOnly.StatusCode);
        Assert.Contains("'predict'", readOnly.Status.Detail, StringComparison.Ordinal);
        var predictOnly = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name }, OpenInferenceGrpc.With(keys["predict"])));
        Assert.Equal(StatusCode.PermissionDenied, predictOnly.StatusCode);
        Assert.Contains("'read'", predictOnly.Status.Detail, StringComparison.Ordinal);

        // The key as x-api-key works as well as a bearer token; health needs none.
        Assert.Equal(TestModel.Version, (await grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(keys["predict"], "x-api-key"))).ModelVersion);
        Assert.True((await grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = TestModel.Name }, OpenInferenceGrpc.With(keys["read"]))).Inputs.Count == 1);
    }

    [Fact]
    public async Task The_gateway_answers_a_method_it_does_not_forward_with_UNIMPLEMENTED()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(AddressOf("gateway"));
        var method = new Method<ServerLiveRequest, ServerLiveResponse>(
            MethodType.Unary, "inference.NoSuchService", "ServerLive",
            Marshallers.Create(message => message.ToByteArray(), ServerLiveRequest.Parser.ParseFrom),
            Marshallers.Create(message => message.ToByteArray(), ServerLiveResponse.Parser.ParseFrom));
        var call = channel.CreateCallInvoker().AsyncUnaryCall(method, null, OpenInferenceGrpc.With(TestKeys.Admin), new ServerLiveRequest());

        var failure = await OpenInferenceGrpc.FailureOfAsync(call);
        Assert.Equal(StatusCode.Unimplemented, failure.StatusCode);
    }

    [Fact]
    public async Task The_scoring_hop_on_a_replica_needs_the_predict_scope_and_the_gateway_does_not_route_it()
    {
        var keys = await KeysAsync();
        // One record's features of the test model, as FeatureBuilder sends them.
        var call = new ScoreCall { ModelName = TestModel.Name, ModelVersion = TestModel.Version, Width = Width, Source = "online", ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        call.Features.AddRange(OpenInferenceGrpc.Features(1, Width));
        call.Records.Add(new CallRecord());

        using var replica = Grpc.Net.Client.GrpcChannel.ForAddress(AddressOf("inference-1"));
        var scoring = new ServiceDefaults.Scoring.Grpc.Scoring.ScoringClient(replica);
        Assert.Equal(StatusCode.Unauthenticated, (await OpenInferenceGrpc.FailureOfAsync(scoring.ScoreAsync(call, OpenInferenceGrpc.With(null)))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await OpenInferenceGrpc.FailureOfAsync(scoring.ScoreAsync(call, OpenInferenceGrpc.With(keys["read"])))).StatusCode);
        var reply = await scoring.ScoreAsync(call, OpenInferenceGrpc.With(keys["predict"]));
        Assert.Equal(TestModel.Version, reply.ModelVersion);
        Assert.True(Guid.TryParse(Assert.Single(reply.Predictions).PredictionId, out _));

        // A version this replica does not serve: UNAVAILABLE with the refusal's code in the trailer.
        call.ModelVersion = "999";
        var refused = await OpenInferenceGrpc.FailureOfAsync(scoring.ScoreAsync(call, OpenInferenceGrpc.With(keys["predict"])));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("version_not_served", refused.Trailers.GetValue(ScoringMessages.RejectedCodeTrailer));

        using var gateway = Grpc.Net.Client.GrpcChannel.ForAddress(AddressOf("gateway"));
        var routed = await OpenInferenceGrpc.FailureOfAsync(new ServiceDefaults.Scoring.Grpc.Scoring.ScoringClient(gateway).ScoreAsync(call, OpenInferenceGrpc.With(TestKeys.Admin)));
        Assert.Equal(StatusCode.Unimplemented, routed.StatusCode);
    }

    private static string Describe(ModelInferResponse.Types.InferOutputTensor output) => $"{output.Name} {output.Datatype} [{string.Join(", ", output.Shape)}]";

    // A key with read only and one with predict only, known to the gateway and both replicas.
    private async Task<Dictionary<string, string>> KeysAsync() => new()
    {
        ["read"] = await OpenInferenceGrpc.CreateKeyAsync(system, "grpc-read", "read"),
        ["predict"] = await OpenInferenceGrpc.CreateKeyAsync(system, "grpc-predict", "predict"),
    };
}
