using System.Net;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>
/// The Gateway as a process in front of echo stand-ins, with tiny limits whose buckets gain no request while the test
/// runs (one in 1000 s). Security is off here (no key owner), so callers are counted by client address; the per-key
/// partitions are the same policy, tested in-process (ServiceDefaults.Tests/RateLimiting).
/// </summary>
public sealed class GatewayRateLimitTests
{
    [Fact]
    public async Task The_gateway_limits_each_kind_by_the_operation_it_forwards_and_refuses_without_forwarding()
    {
        await using var featureBuilder = await UpstreamService.StartAsync("featurebuilder");
        await using var inference = await UpstreamService.StartAsync("inference");
        await using var gateway = await ProxiedGateway.StartAsync(
            featureBuilder.Address, inference.Address, inference.Address, featureBuilder.Address,
            new Dictionary<string, string>
            {
                ["RateLimits__PredictionsPerSecond"] = "0.001",
                ["RateLimits__PredictionsBurst"] = "2",
                ["RateLimits__FeedbackPerSecond"] = "0.001",
                ["RateLimits__FeedbackBurst"] = "1",
                ["RateLimits__UploadsPerSecond"] = "0.001",
                ["RateLimits__UploadsBurst"] = "1",
                // The echo service stands in for the registry too.
                ["ReverseProxy__Clusters__retrainer__Destinations__primary__Address"] = featureBuilder.Address,
            });
        var client = gateway.Client;
        var model = $"limited-{Guid.NewGuid():N}";

        // Predictions through two routes share one bucket: /v2 goes to Inference, …/predict to FeatureBuilder.
        var infer = await StatusAsync(client, HttpMethod.Post, $"/v2/models/{model}/infer");
        var inferVersion = await StatusAsync(client, HttpMethod.Post, $"/v2/models/{model}/versions/1/infer");
        using var predict = await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/predict");
        var feedback = await StatusAsync(client, HttpMethod.Post, "/api/v1/feedback");
        var feedbackAgain = await StatusAsync(client, HttpMethod.Post, "/api/v1/feedback");
        var batch = await StatusAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/batches");
        using var dataset = await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/training-dataset");
        // Operations of no kind are not limited: a read and a batch's deletion on the same route.
        var read = await StatusAsync(client, HttpMethod.Get, $"/api/v1/models/{model}");
        var deletion = await StatusAsync(client, HttpMethod.Delete, $"/api/v1/models/{model}/batches/1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (infer, inferVersion));
        await AssertTooManyAsync(predict, "predictions", gateway);
        Assert.DoesNotContain(featureBuilder.Received, request => request == $"POST /api/v1/models/{model}/predict");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (feedback, feedbackAgain));
        Assert.Equal(HttpStatusCode.OK, batch);
        await AssertTooManyAsync(dataset, "uploads", gateway);
        Assert.DoesNotContain(featureBuilder.Received, request => request == $"PUT /api/v1/models/{model}/training-dataset");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (read, deletion));
    }

    [Fact]
    public async Task A_gRPC_ModelInfer_counts_as_a_prediction_and_its_refusal_is_RESOURCE_EXHAUSTED()
    {
        var grpcUrl = ServiceProcess.FreeGrpcUrl();
        var dead = ProxiedGateway.DeadAddress();
        await using var gateway = await ProxiedGateway.StartAsync(dead, dead, dead, dead, new Dictionary<string, string>
        {
            ["RateLimits__PredictionsPerSecond"] = "0.001",
            ["RateLimits__PredictionsBurst"] = "2",
            [ServiceProcess.GrpcUrlVariable] = grpcUrl,
            ["ReverseProxy__Clusters__inference-grpc__Destinations__replica1__Address"] = dead,
            ["ReverseProxy__Clusters__inference-grpc__Destinations__replica2__Address"] = dead,
        });
        using var grpc = new OpenInference.OpenInferenceGrpc(new Uri(grpcUrl));
        var request = OpenInference.OpenInferenceGrpc.Typed("limited", "", "features", 1, 6);

        // Forwarded to replicas that are down (UNAVAILABLE) until the bucket is empty; then refused at the gateway.
        var codes = new List<Grpc.Core.RpcException>();
        for (var call = 0; call < 3; call++)
            codes.Add(await OpenInference.OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(request, OpenInference.OpenInferenceGrpc.With(null))));
        var metadata = await OpenInference.OpenInferenceGrpc.FailureOfAsync(
            grpc.Client.ModelMetadataAsync(new Inference.OpenInference.Grpc.ModelMetadataRequest { Name = "limited" }, OpenInference.OpenInferenceGrpc.With(null)));

        Assert.Equal([Grpc.Core.StatusCode.Unavailable, Grpc.Core.StatusCode.Unavailable, Grpc.Core.StatusCode.ResourceExhausted], codes.Select(failure => failure.StatusCode));
        Assert.Contains("predictions rate limit", codes[2].Status.Detail, StringComparison.Ordinal);
        Assert.Equal("1000", codes[2].Trailers.GetValue("retry-after"));
        // Metadata is no prediction: not limited (forwarded, and the replicas are down).
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, metadata.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (method == HttpMethod.Post || method == HttpMethod.Put)
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var response = await SendAsync(client, method, path);
        return response.StatusCode;
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string limit, ServiceProcess gateway)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
            throw gateway.Failure($"{(int)response.StatusCode}, not 429: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1000", Assert.Single(response.Headers.GetValues("Retry-After")));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/too-many-requests", problem.GetProperty("type").GetString());
        Assert.Equal(limit, problem.GetProperty("rateLimit").GetString());
        Assert.Contains("client address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
