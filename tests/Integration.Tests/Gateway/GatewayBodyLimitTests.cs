using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>
/// One Gateway process with small body limits in front of echo stand-ins, shared by the tests of
/// <see cref="GatewayBodyLimitTests"/>: none of them changes its state, each looks only for its own requests.
/// </summary>
public sealed class BodyLimitGateway : IAsyncLifetime
{
    public const int Limit = 1024;
    public const int BatchLimit = 16 * 1024;
    public const int ModelLimit = 8 * 1024;

    internal UpstreamService FeatureBuilder { get; private set; } = null!;

    internal UpstreamService Inference { get; private set; } = null!;

    internal ServiceProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        FeatureBuilder = await UpstreamService.StartAsync("featurebuilder");
        Inference = await UpstreamService.StartAsync("inference");
        Gateway = await ProxiedGateway.StartAsync(
            FeatureBuilder.Address, Inference.Address, Inference.Address, FeatureBuilder.Address,
            new Dictionary<string, string>
            {
                ["Gateway__MaxRequestBodyBytes"] = Limit.ToString(CultureInfo.InvariantCulture),
                ["Gateway__MaxBatchUploadBytes"] = BatchLimit.ToString(CultureInfo.InvariantCulture),
                ["Gateway__MaxModelUploadBytes"] = ModelLimit.ToString(CultureInfo.InvariantCulture),
                // The echo service stands in for the registry too.
                ["ReverseProxy__Clusters__retrainer__Destinations__primary__Address"] = FeatureBuilder.Address,
            });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await FeatureBuilder.DisposeAsync();
        await Inference.DisposeAsync();
    }
}

/// <summary>Bodies larger than Gateway:MaxRequestBodyBytes get 413 problem details naming the limit, announced or chunked.</summary>
public sealed class GatewayBodyLimitTests(BodyLimitGateway platform) : IClassFixture<BodyLimitGateway>
{
    private const int Limit = BodyLimitGateway.Limit;
    private const int BatchLimit = BodyLimitGateway.BatchLimit;
    private const int ModelLimit = BodyLimitGateway.ModelLimit;

    private UpstreamService FeatureBuilder => platform.FeatureBuilder;

    private HttpClient Client => platform.Gateway.Client;

    [Fact]
    public async Task A_body_whose_Content_Length_is_over_the_limit_gets_413_without_being_forwarded()
    {
        // A model name of this test's own: the stand-in is shared by the class, and only this request must not reach it.
        var path = $"/api/v1/models/too-large-{Guid.NewGuid():N}/predict";
        using var content = new StringContent(JsonRecord(4 * Limit), Encoding.UTF8, "application/json");
        Assert.Equal(4 * Limit, content.Headers.ContentLength);
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);

        await AssertTooLargeAsync(response);
        Assert.DoesNotContain(FeatureBuilder.Received, request => request.Contains(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_gets_413()
    {
        using var content = new ChunkedContent(JsonRecord(4 * Limit));
        using var response = await Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), content);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_forwarded_intact()
    {
        var record = JsonRecord(Limit - 24);
        using var content = new ChunkedContent(record);
        using var response = await Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw platform.Gateway.Failure($"{(int)response.StatusCode}: {body}");
        Assert.Equal(record, JsonSerializer.Deserialize<Echo>(body, JsonSerializerOptions.Web)!.Body);
    }

    [Fact]
    public async Task A_batch_upload_has_its_own_larger_limit()
    {
        var batches = $"/api/v1/models/batch-limit-{Guid.NewGuid():N}/batches";
        using var withinBatchLimit = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv");
        using var forwarded = await Client.PostAsync(new Uri(batches, UriKind.Relative), withinBatchLimit);
        using var overBatchLimit = new StringContent(new string('x', 2 * BatchLimit), Encoding.UTF8, "text/csv");
        using var refused = await Client.PostAsync(new Uri(batches, UriKind.Relative), overBatchLimit);
        // Only POST to the batches collection: anything else keeps the general limit.
        using var otherPath = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv");
        using var refusedElsewhere = await Client.PostAsync(new Uri(batches + "/x/results", UriKind.Relative), otherPath);

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains(FeatureBuilder.Received, request => request == $"POST {batches}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(BatchLimit, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("maxBodyBytes").GetInt64());
        await AssertTooLargeAsync(refusedElsewhere);
    }

    [Fact]
    public async Task A_model_version_upload_has_its_own_limit()
    {
        var versions = $"/api/v1/models/model-limit-{Guid.NewGuid():N}/versions";
        using var withinModelLimit = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "application/octet-stream");
        using var forwarded = await Client.PostAsync(new Uri(versions, UriKind.Relative), withinModelLimit);
        using var overModelLimit = new StringContent(new string('x', 2 * ModelLimit), Encoding.UTF8, "application/octet-stream");
        using var refused = await Client.PostAsync(new Uri(versions, UriKind.Relative), overModelLimit);

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains(FeatureBuilder.Received, request => request == $"POST {versions}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(ModelLimit, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("maxBodyBytes").GetInt64());
    }

    [Fact]
    public async Task A_training_dataset_upload_has_the_model_upload_limit()
    {
        var dataset = $"/api/v1/models/dataset-limit-{Guid.NewGuid():N}/training-dataset";
        using var withinModelLimit = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv");
        using var forwarded = await Client.PutAsync(new Uri(dataset, UriKind.Relative), withinModelLimit);
        using var overModelLimit = new StringContent(new string('x', 2 * ModelLimit), Encoding.UTF8, "text/csv");
        using var refused = await Client.PutAsync(new Uri(dataset, UriKind.Relative), overModelLimit);
        // Only a PUT: a DELETE with a body keeps the general limit.
        using var otherMethod = new HttpRequestMessage(HttpMethod.Delete, new Uri(dataset, UriKind.Relative)) { Content = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv") };
        using var refusedElsewhere = await Client.SendAsync(otherMethod);

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains(FeatureBuilder.Received, request => request == $"PUT {dataset}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(ModelLimit, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("maxBodyBytes").GetInt64());
        await AssertTooLargeAsync(refusedElsewhere);
    }

    // A JSON object of exactly `size` bytes.
    private static string JsonRecord(int size) => $$"""{"pad":"{{new string('x', size - 10)}}"}""";

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/payload-too-large", problem.GetProperty("type").GetString());
        Assert.Equal(Limit, problem.GetProperty("maxBodyBytes").GetInt64());
        Assert.Contains($"{Limit} bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
