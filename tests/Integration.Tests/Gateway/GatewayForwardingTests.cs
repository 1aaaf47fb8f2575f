using System.Net;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>Five upstream stand-ins (FeatureBuilder, two Inference replicas, FeedbackCollector, the Retrainer) behind one Gateway process.</summary>
public sealed class ForwardingPlatform : IAsyncLifetime
{
    internal UpstreamService FeatureBuilder { get; private set; } = null!;

    internal UpstreamService Inference1 { get; private set; } = null!;

    internal UpstreamService Inference2 { get; private set; } = null!;

    internal UpstreamService FeedbackCollector { get; private set; } = null!;

    internal UpstreamService Retrainer { get; private set; } = null!;

    internal ServiceProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        FeatureBuilder = await UpstreamService.StartAsync("featurebuilder");
        Inference1 = await UpstreamService.StartAsync("inference-1");
        Inference2 = await UpstreamService.StartAsync("inference-2");
        FeedbackCollector = await UpstreamService.StartAsync("feedbackcollector");
        Retrainer = await UpstreamService.StartAsync("retrainer");
        Gateway = await ProxiedGateway.StartAsync(FeatureBuilder.Address, Inference1.Address, Inference2.Address, FeedbackCollector.Address,
            new Dictionary<string, string> { ["ReverseProxy__Clusters__retrainer__Destinations__primary__Address"] = Retrainer.Address });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await FeatureBuilder.DisposeAsync();
        await Inference1.DisposeAsync();
        await Inference2.DisposeAsync();
        await FeedbackCollector.DisposeAsync();
        await Retrainer.DisposeAsync();
    }
}

/// <summary>Each public path reaches the service that owns it, with method, path, query and body unchanged.</summary>
public sealed class GatewayForwardingTests(ForwardingPlatform platform) : IClassFixture<ForwardingPlatform>
{
    private const string TensorRequest = """{"inputs":[{"name":"features","datatype":"FP32","shape":[1,2],"data":[1.5,2.5]}]}""";

    private HttpClient Client => platform.Gateway.Client;

    [Theory]
    [InlineData("/api/v1/models", "featurebuilder")]
    [InlineData("/api/v1/models/flights", "featurebuilder")]
    [InlineData("/api/v1/models/flights?detail=fields&x=%2F", "featurebuilder")]
    [InlineData("/api/v1/predictions/0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e", "feedbackcollector")]
    [InlineData("/api/v1/models/flights/versions/2", "retrainer")]
    [InlineData("/api/v1/models/flights/training-data?format=jsonl", "retrainer")]
    [InlineData("/api/v1/models/flights/training-dataset", "retrainer")]
    [InlineData("/api/v1/keys", "retrainer")]
    [InlineData("/api/v1/audit?who=key:0123456789ab&outcome=refused&limit=5", "retrainer")]
    public async Task A_public_path_is_forwarded_unchanged_to_the_service_that_owns_it(string pathAndQuery, string service)
    {
        var echo = await GetEchoAsync(pathAndQuery);

        Assert.Equal(service, echo.Service);
        Assert.Equal("GET", echo.Method);
        Assert.Equal(pathAndQuery, echo.Path + echo.Query);
    }

    [Fact]
    public async Task A_prediction_request_reaches_FeatureBuilder_with_its_body_intact()
    {
        const string Record = """{"date":"2001-02-03T07:45:00","origin":"ORD","destination":"LAX","distance":1744,"note":"é ü 🛫"}""";
        using var content = new StringContent(Record, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/api/v1/models/flights/predict", UriKind.Relative), content);

        var echo = await ReadEchoAsync(response);
        Assert.Equal(("featurebuilder", "POST", "/api/v1/models/flights/predict"), (echo.Service, echo.Method, echo.Path));
        Assert.Equal(Record, echo.Body);
    }

    [Fact]
    public async Task The_tensor_API_is_balanced_over_both_Inference_replicas()
    {
        var answeredBy = new HashSet<string>();
        for (var attempt = 0; attempt < 40 && answeredBy.Count < 2; attempt++)
        {
            using var content = new StringContent(TensorRequest, Encoding.UTF8, "application/json");
            using var response = await Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), content);
            var echo = await ReadEchoAsync(response);
            Assert.Equal("/v2/models/flights/infer", echo.Path);
            Assert.Equal(TensorRequest, echo.Body);
            answeredBy.Add(echo.Service);
        }

        Assert.Equal(["inference-1", "inference-2"], answeredBy.Order());
        var root = await GetEchoAsync("/v2");
        Assert.StartsWith("inference-", root.Service, StringComparison.Ordinal);
        Assert.Equal("/v2", root.Path);
    }

    [Fact]
    public async Task Unknown_route_gets_problem_details()
    {
        using var response = await Client.GetAsync(new Uri("/api/v1/no-such-area", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/not-found", problem.GetProperty("type").GetString());
        Assert.DoesNotContain(platform.FeatureBuilder.Received, request => request.Contains("no-such-area", StringComparison.Ordinal));
    }

    private async Task<Echo> GetEchoAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        return await ReadEchoAsync(response);
    }

    private async Task<Echo> ReadEchoAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw platform.Gateway.Failure($"Expected 200 from {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<Echo>(body, JsonSerializerOptions.Web)!;
    }
}
