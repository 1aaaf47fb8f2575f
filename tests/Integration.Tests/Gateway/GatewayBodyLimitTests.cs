using System.Net;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>Bodies larger than Gateway:MaxRequestBodyBytes get 413 problem details naming the limit, announced or chunked.</summary>
public sealed class GatewayBodyLimitTests : IAsyncLifetime
{
    private const int Limit = 1024;
    private const int BatchLimit = 16 * 1024;
    private const int ModelLimit = 8 * 1024;

    private UpstreamService _featureBuilder = null!;
    private UpstreamService _inference = null!;
    private ServiceProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _featureBuilder = await UpstreamService.StartAsync("featurebuilder");
        _inference = await UpstreamService.StartAsync("inference");
        _gateway = await ProxiedGateway.StartAsync(
            _featureBuilder.Address, _inference.Address, _inference.Address, _featureBuilder.Address,
            new Dictionary<string, string>
            {
                ["Gateway__MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Gateway__MaxBatchUploadBytes"] = BatchLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Gateway__MaxModelUploadBytes"] = ModelLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // The echo service stands in for the registry too.
                ["ReverseProxy__Clusters__retrainer__Destinations__primary__Address"] = _featureBuilder.Address,
            });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _featureBuilder.DisposeAsync();
        await _inference.DisposeAsync();
    }

    [Fact]
    public async Task A_body_whose_Content_Length_is_over_the_limit_gets_413_without_being_forwarded()
    {
        using var content = new StringContent(JsonRecord(4 * Limit), Encoding.UTF8, "application/json");
        Assert.Equal(4 * Limit, content.Headers.ContentLength);
        using var response = await _gateway.Client.PostAsync(new Uri("/api/v1/models/flights/predict", UriKind.Relative), content);

        await AssertTooLargeAsync(response);
        Assert.DoesNotContain(_featureBuilder.Received, request => request.Contains("/predict", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_gets_413()
    {
        using var content = new ChunkedContent(JsonRecord(4 * Limit));
        using var response = await _gateway.Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), content);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_forwarded_intact()
    {
        var record = JsonRecord(Limit - 24);
        using var content = new ChunkedContent(record);
        using var response = await _gateway.Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw _gateway.Failure($"{(int)response.StatusCode}: {body}");
        Assert.Equal(record, JsonSerializer.Deserialize<Echo>(body, JsonSerializerOptions.Web)!.Body);
    }

    [Fact]
    public async Task A_batch_upload_has_its_own_larger_limit()
    {
        const string Batches = "/api/v1/models/flights/batches";
        using var withinBatchLimit = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv");
        using var forwarded = await _gateway.Client.PostAsync(new Uri(Batches, UriKind.Relative), withinBatchLimit);
        using var overBatchLimit = new StringContent(new string('x', 2 * BatchLimit), Encoding.UTF8, "text/csv");
        using var refused = await _gateway.Client.PostAsync(new Uri(Batches, UriKind.Relative), overBatchLimit);
        // Only POST to the batches collection: anything else keeps the general limit.
        using var otherPath = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "text/csv");
        using var refusedElsewhere = await _gateway.Client.PostAsync(new Uri(Batches + "/x/results", UriKind.Relative), otherPath);

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains(_featureBuilder.Received, request => request.Contains("/batches", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(BatchLimit, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("maxBodyBytes").GetInt64());
        await AssertTooLargeAsync(refusedElsewhere);
    }

    [Fact]
    public async Task A_model_version_upload_has_its_own_limit()
    {
        const string Versions = "/api/v1/models/flights/versions";
        using var withinModelLimit = new StringContent(new string('x', 4 * Limit), Encoding.UTF8, "application/octet-stream");
        using var forwarded = await _gateway.Client.PostAsync(new Uri(Versions, UriKind.Relative), withinModelLimit);
        using var overModelLimit = new StringContent(new string('x', 2 * ModelLimit), Encoding.UTF8, "application/octet-stream");
        using var refused = await _gateway.Client.PostAsync(new Uri(Versions, UriKind.Relative), overModelLimit);

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains(_featureBuilder.Received, request => request.Contains("/versions", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(ModelLimit, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("maxBodyBytes").GetInt64());
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
