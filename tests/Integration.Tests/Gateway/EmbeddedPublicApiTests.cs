using System.Net;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Security;

namespace Integration.Tests.Gateway;

/// <summary>An embedded host with a small gateway body limit, shared by the tests of <see cref="EmbeddedPublicApiTests"/>, which only read.</summary>
public sealed class EmbeddedGatewayHost : IAsyncLifetime
{
    public const int Limit = 2048;

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-gateway-{Guid.NewGuid():N}");

    public ServiceProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = Path.Combine(_dataFolder, "models"),
            ["Storage__DataFolder"] = Path.Combine(_dataFolder, "store"),
            ["Gateway__MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(_dataFolder))
            Directory.Delete(_dataFolder, recursive: true);
    }
}

/// <summary>The embedded host runs the gateway's public document, API reference and body limit over its local endpoints.</summary>
public sealed class EmbeddedPublicApiTests(EmbeddedGatewayHost embedded) : IClassFixture<EmbeddedGatewayHost>
{
    private const int Limit = EmbeddedGatewayHost.Limit;

    private ServiceProcess Host => embedded.Host;

    [Fact]
    public async Task The_embedded_host_serves_the_public_document_of_its_own_endpoints_and_the_API_reference()
    {
        var body = await Host.WaitForStatusAsync("/openapi/public.json", HttpStatusCode.OK, Deadlines.DistributedState);
        var document = JsonDocument.Parse(body).RootElement;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Contains("/api/v1/models/{model}/predict", paths);
        Assert.Contains("/v2/models/{model}/infer", paths);
        Assert.All(paths, path => Assert.True(path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/v2", StringComparison.Ordinal), path));

        using var reference = await Host.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/public.json", await reference.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_public_operation_of_the_embedded_host_needs_a_credential_with_its_scope()
    {
        await OperationWalk.UntilKnownAsync(Host.BaseAddress, "/api/v1/keys", TestKeys.Admin, Host.Failure);
        var keys = await OperationWalk.KeysLackingEachScopeAsync(Host.Client);
        var operations = OperationWalk.OperationsOf(JsonDocument.Parse(
            await Host.WaitForStatusAsync("/openapi/public.json", HttpStatusCode.OK, Deadlines.DistributedState)).RootElement);
        Assert.True(operations.Count >= 45, $"the public document lists {operations.Count} operations");
        Assert.Equal(OperationWalk.OpenOperations, operations.Where(operation => operation.Scope is null).Select(operation => operation.ToString()).Order());

        var violations = await OperationWalk.ViolationsAsync(Host.BaseAddress, operations, keys);

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task Ten_thousand_malformed_bodies_over_every_public_operation_with_and_without_a_key_get_no_5xx()
    {
        await OperationWalk.UntilKnownAsync(Host.BaseAddress, "/api/v1/keys", TestKeys.Admin, Host.Failure);
        // The health probes take no body, and their 503 is their answer (no model is served here), not a failure.
        var operations = OperationWalk.OperationsOf(JsonDocument.Parse(
            await Host.WaitForStatusAsync("/openapi/public.json", HttpStatusCode.OK, Deadlines.DistributedState)).RootElement)
            .Where(operation => operation.Scope is not null).ToList();
        // Seeded: the same 10,000 requests on every run, so a failure is found again by running the test again.
        var bodies = new MalformedBodies(seed: 20261207);
        var requests = Enumerable.Range(0, 10_000).Select(i => (Operation: operations[i % operations.Count], Body: bodies.Next(), WithKey: i % 3 != 0)).ToList();

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, cancellationToken) =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), new Uri(request.Operation.Path, UriKind.Relative))
            {
                Content = request.Body.Content,
            };
            if (request.WithKey)
                message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestKeys.Admin);
            using var response = await client.SendAsync(message, cancellationToken);
            if ((int)response.StatusCode >= 500)
                failures.Add($"{request.Operation} with {request.Body.Kind}{(request.WithKey ? " and the admin key" : "")}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} answers were 5xx:\n{string.Join('\n', failures.Take(20))}");
        using var live = await Host.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task The_embedded_host_refuses_bodies_over_the_gateway_limit_on_its_local_endpoints()
    {
        var oversized = $$"""{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[{{string.Join(',', Enumerable.Repeat("1.0", Limit))}}]}]}""";

        using var announced = new StringContent(oversized, Encoding.UTF8, "application/json");
        using var announcedResponse = await Host.Client.PostAsync(new Uri("/api/v1/models/flights/predict", UriKind.Relative), announced);
        await AssertTooLargeAsync(announcedResponse);

        using var chunked = new ChunkedContent(oversized);
        using var chunkedResponse = await Host.Client.PostAsync(new Uri("/v2/models/flights/infer", UriKind.Relative), chunked);
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
