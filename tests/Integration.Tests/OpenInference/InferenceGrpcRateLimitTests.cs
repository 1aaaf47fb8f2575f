using Grpc.Core;
using Inference.OpenInference.Grpc;

namespace Integration.Tests.OpenInference;

/// <summary>
/// Inference itself limits gRPC predictions as it limits REST ones (the gateway's own limit: Gateway/GatewayRateLimitTests):
/// an Inference process alone, with a tiny predictions bucket that gains no call while the test runs. Security is off
/// (no key owner runs here), so calls are counted by client address.
/// </summary>
public sealed class InferenceGrpcRateLimitTests
{
    [Fact]
    public async Task ModelInfer_takes_from_the_predictions_bucket_and_REST_infer_shares_it()
    {
        await using var inference = ServiceProcess.Start("Inference", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Security__Enabled"] = "false",
            ["RateLimits__PredictionsPerSecond"] = "0.001",
            ["RateLimits__PredictionsBurst"] = "3",
            [ServiceProcess.GrpcUrlVariable] = ServiceProcess.FreeGrpcUrl(),
        });
        await inference.WaitUntilLiveAsync(Deadlines.ProcessStart);
        using var grpc = new OpenInferenceGrpc(inference.GrpcAddress!);
        var request = OpenInferenceGrpc.Typed("limited", "", "features", 1, 6);

        // No registry answers here, so a model is 'loading' (UNAVAILABLE) or unknown (NOT_FOUND): each call still takes a
        // token, as the limiter runs before the method. One REST infer takes the third.
        var first = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(null)));
        var second = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(null)));
        using (var rest = await inference.Client.PostAsync(new Uri("/v2/models/limited/infer", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
            Assert.NotEqual(System.Net.HttpStatusCode.TooManyRequests, rest.StatusCode);
        var refused = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInferenceGrpc.With(null)));
        var metadata = await OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "limited" }, OpenInferenceGrpc.With(null)));

        Assert.All([first, second], failure => Assert.Contains(failure.StatusCode, new[] { StatusCode.Unavailable, StatusCode.NotFound }));
        Assert.True(refused.StatusCode == StatusCode.ResourceExhausted, $"{refused.Status}\n{inference.Output}");
        Assert.Contains("predictions rate limit", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("1000", refused.Trailers.GetValue("retry-after"));
        // Metadata is not a prediction: not limited.
        Assert.NotEqual(StatusCode.ResourceExhausted, metadata.StatusCode);
    }
}
