using System.Diagnostics;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.OpenInference;

/// <summary>
/// A gRPC client the platform did not write: Node's @grpc/grpc-js reading <c>grpc_predict_v2.proto</c> with
/// @grpc/proto-loader (<c>tests/GrpcNodeClient/oip-client.mjs</c>, installed by scripts/install-node-tools.sh), against the
/// gateway's gRPC port of the distributed mode: every method, typed and raw tensors, a version named, and the codes of
/// an unknown model, a missing credential and a key without the scope.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class NodeGrpcClientTests(SharedSystem system)
{
    private static readonly int[] TwoRows = [2, 6];
    private static readonly int[] OneRow = [1, 6];

    private string Address => system.Gateway.GrpcAddress!.Authority;

    [Fact]
    public async Task The_Node_client_calls_every_method_through_the_gateway()
    {
        Assert.True((await CallAsync("ServerLive", null, null)).GetProperty("response").GetProperty("live").GetBoolean());
        Assert.True((await CallAsync("ServerReady", null, null)).GetProperty("response").GetProperty("ready").GetBoolean());
        var server = (await CallAsync("ServerMetadata", null, TestKeys.Admin)).GetProperty("response");
        Assert.Equal("ml-platform-inference", server.GetProperty("name").GetString());
        var metadata = (await CallAsync("ModelMetadata", new { name = TestModel.Name, version = TestModel.Version }, TestKeys.Admin)).GetProperty("response");
        Assert.Equal("features", metadata.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal(["-1", "6"], metadata.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetString()));
        Assert.True((await CallAsync("ModelReady", new { name = TestModel.Name }, TestKeys.Admin)).GetProperty("response").GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task The_Node_client_scores_typed_and_raw_tensors_and_the_predictions_are_logged()
    {
        var features = OpenInferenceGrpc.Features(2, 6);
        var typed = (await CallAsync("ModelInfer", new
        {
            model_name = TestModel.Name,
            id = "node-typed",
            inputs = new[] { new { name = "features", datatype = "FP32", shape = TwoRows, contents = new { fp32_contents = features } } },
        }, TestKeys.Admin)).GetProperty("response");
        var raw = (await CallAsync("ModelInfer", new
        {
            model_name = TestModel.Name,
            model_version = TestModel.Version,
            id = "node-raw",
            inputs = new[] { new { name = "features", datatype = "FP32", shape = TwoRows } },
            raw_input_contents = new[] { Convert.ToBase64String(OpenInferenceGrpc.RawOf(features)) },
        }, TestKeys.Admin)).GetProperty("response");

        Assert.Equal(("node-typed", TestModel.Version), (typed.GetProperty("id").GetString(), typed.GetProperty("model_version").GetString()));
        Assert.Equal("node-raw", raw.GetProperty("id").GetString());
        var probabilities = typed.GetProperty("outputs")[0].GetProperty("contents").GetProperty("fp32_contents").EnumerateArray().Select(value => value.GetSingle()).ToArray();
        Assert.Equal(2, probabilities.Length);
        var rawProbabilities = OpenInferenceGrpc.FloatsOf(Google.Protobuf.ByteString.FromBase64(raw.GetProperty("raw_output_contents")[0].GetString()!));
        Assert.Equal(probabilities, rawProbabilities);

        var ids = raw.GetProperty("parameters").GetProperty("prediction_ids").GetProperty("string_param").GetString()!.Split(',');
        foreach (var id in ids)
        {
            var logged = await Poll.GetJsonAsync(system.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, system.Failure);
            Assert.Equal("tensor", logged.GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task The_Node_client_sees_the_codes_of_an_unknown_model_a_missing_credential_and_a_missing_scope()
    {
        var readOnly = await OpenInferenceGrpc.CreateKeyAsync(system, "node-read", "read");
        var request = new { model_name = TestModel.Name, inputs = new[] { new { name = "features", datatype = "FP32", shape = OneRow, contents = new { fp32_contents = new float[6] } } } };

        var unknown = await CallAsync("ModelInfer", new { model_name = "no-such-model" }, TestKeys.Admin);
        var none = await CallAsync("ModelInfer", request, null);
        var scope = await CallAsync("ModelInfer", request, readOnly);
        var viaHeader = await CallAsync("ModelMetadata", new { name = TestModel.Name }, readOnly, "x-api-key");

        Assert.Equal(("NOT_FOUND", 5), (unknown.GetProperty("status").GetString(), unknown.GetProperty("code").GetInt32()));
        Assert.Contains("no-such-model", unknown.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal("UNAUTHENTICATED", none.GetProperty("status").GetString());
        Assert.Equal("PERMISSION_DENIED", scope.GetProperty("status").GetString());
        Assert.Contains("'predict'", scope.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.True(viaHeader.GetProperty("ok").GetBoolean(), viaHeader.ToString());
    }

    // One call of the Node client: its line of JSON.
    private async Task<JsonElement> CallAsync(string method, object? request, string? key, string? header = null)
    {
        var root = RepositoryRoot.Path;
        var script = Path.Combine(root, "tests", "GrpcNodeClient", "oip-client.mjs");
        if (!File.Exists(Path.Combine(root, "tests", "GrpcNodeClient", "node_modules", "@grpc", "grpc-js", "package.json")))
            throw new InvalidOperationException("The Node gRPC client is not installed: run scripts/install-node-tools.sh (scripts/test.sh does).");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Address);
        start.ArgumentList.Add(method);
        if (request is not null)
            start.ArgumentList.Add(JsonSerializer.Serialize(request));
        start.Environment.Remove("KEY");
        start.Environment.Remove("KEY_HEADER");
        if (key is not null)
            start.Environment["KEY"] = key;
        if (header is not null)
            start.Environment["KEY_HEADER"] = header;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(process.ExitCode == 0, $"node {method} exited {process.ExitCode}: {await errors}");
        var line = (await output).Trim();
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
