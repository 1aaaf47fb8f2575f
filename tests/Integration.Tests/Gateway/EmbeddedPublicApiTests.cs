using System.Net;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>The embedded host runs the gateway's public document, API reference and body limit over its local endpoints.</summary>
public sealed class EmbeddedPublicApiTests : IAsyncLifetime
{
    private const int Limit = 2048;

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-gateway-{Guid.NewGuid():N}");
    private ServiceProcess _host = null!;

    public async Task InitializeAsync()
    {
        _host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = Path.Combine(_dataFolder, "models"),
            ["Storage__DataFolder"] = Path.Combine(_dataFolder, "store"),
            ["Gateway__MaxRequestBodyBytes"] = Limit.ToString(),
        });
        await _host.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_dataFolder))
            Directory.Delete(_dataFolder, recursive: true);
    }

    [Fact]
    public async Task The_embedded_host_serves_the_public_document_of_its_own_endpoints_and_the_API_reference()
    {
        var body = await _host.WaitForStatusAsync("/openapi/public.json", HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        var document = JsonDocument.Parse(body).RootElement;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Contains("/api/v1/models/{model}/predict", paths);
        Assert.Contains("/v2/models/{model}/infer", paths);
        Assert.All(paths, path => Assert.True(path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/v2", StringComparison.Ordinal), path));

        using var reference = await _host.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/public.json", await reference.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_host_refuses_bodies_over_the_gateway_limit_on_its_local_endpoints()
    {
        var oversized = $$"""{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[{{string.Join(',', Enumerable.Repeat("1.0", Limit))}}]}]}""";

        using var announced = new StringContent(oversized, Encoding.UTF8, "application/json");
        using var announcedResponse = await _host.Client.PostAsync(new Uri("/api/v1/models/flights/predict", UriKind.Relative), announced);
        await AssertTooLargeAsync(announcedResponse);

        using var chunked = new ChunkedContent(oversized);
        using var chunkedResponse = await _host.Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), chunked);
        await AssertTooLargeAsync(chunkedResponse);
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/payload-too-large", problem.GetProperty("type").GetString());
        Assert.Equal(Limit, problem.GetProperty("maxBodyBytes").GetInt64());
    }
}
