using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Security;
using ServiceDefaults.RateLimiting;

namespace Integration.Tests.Gateway;

/// <summary>
/// An embedded host with a small gateway body limit and a small feedback rate limit (two outcomes per key, gaining one in
/// 1000 s), shared by the tests of <see cref="EmbeddedPublicApiTests"/>, which only read (or send outcomes the host refuses).
/// </summary>
public sealed class EmbeddedGatewayHost : IAsyncLifetime
{
    public const int Limit = 2048;

    public const int FeedbackBurst = 2;

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
            ["RateLimits__FeedbackPerSecond"] = "0.001",
            ["RateLimits__FeedbackBurst"] = FeedbackBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
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

/// <summary>The embedded host runs the gateway's public document, API reference, body limit and rate limits over its local endpoints.</summary>
public sealed class EmbeddedPublicApiTests(EmbeddedGatewayHost embedded) : IClassFixture<EmbeddedGatewayHost>
{
    private const int Limit = EmbeddedGatewayHost.Limit;

    private static readonly string[] FeedbackOnly = ["feedback"];

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
        // Until Inference has applied the registry's (empty) list a model is "loading" (503): wait for the 404 of a served platform.
        await Host.WaitForStatusAsync("/v2/models/no-such-model", HttpStatusCode.NotFound, Deadlines.DistributedState);
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

        // The host's output carries the exception behind a 5xx (the answer itself names none).
        if (!failures.IsEmpty)
            throw Host.Failure($"{failures.Count} answers were 5xx:\n{string.Join('\n', failures.Take(20))}");
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

    [Fact]
    public async Task Every_public_operation_has_the_rate_limit_the_gateways_table_gives_it()
    {
        var document = JsonDocument.Parse(await Host.WaitForStatusAsync("/openapi/public.json", HttpStatusCode.OK, Deadlines.DistributedState)).RootElement;
        var paths = document.GetProperty("paths");

        var documented = new List<string>();
        var disagreements = new List<string>();
        foreach (var operation in OperationWalk.OperationsOf(document))
        {
            var kind = paths.GetProperty(operation.Template).GetProperty(operation.Method.ToLowerInvariant())
                .TryGetProperty(RateLimitDocumentation.ExtensionName, out var extension) ? extension.GetString() : null;
            if (kind is not null)
                documented.Add($"{operation} {kind}");
            if (kind != RateLimitedOperations.KindOf(operation.Method, operation.Path))
                disagreements.Add($"{operation}: the document says {kind ?? "none"}, the gateway's table {RateLimitedOperations.KindOf(operation.Method, operation.Path) ?? "none"}");
        }

        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements));
        Assert.Equal(
            [
                "POST /api/v1/feedback feedback",
                "POST /api/v1/models/{model}/batches uploads",
                "POST /api/v1/models/{model}/predict predictions",
                "POST /api/v1/models/{model}/versions uploads",
                "POST /v2/models/{model}/infer predictions",
                "POST /v2/models/{model}/versions/{version}/infer predictions",
                "PUT /api/v1/models/{model}/training-dataset uploads",
                "PUT /api/v1/models/{model}/versions/{version}/reference uploads",
            ],
            documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_key_over_its_feedback_limit_gets_429_with_Retry_After_while_another_key_passes()
    {
        var first = await CreateKeyAsync("feedback-first");
        var second = await CreateKeyAsync("feedback-second");

        // Empty outcomes: each is a 400 from the endpoint once it is past the limit, and changes nothing.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= EmbeddedGatewayHost.FeedbackBurst; i++)
        {
            using var answer = await PostFeedbackAsync(first);
            statuses.Add(answer.StatusCode);
        }

        using var over = await PostFeedbackAsync(first);
        using var other = await PostFeedbackAsync(second);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, EmbeddedGatewayHost.FeedbackBurst), HttpStatusCode.TooManyRequests], statuses);
        var body = await over.Content.ReadAsStringAsync();
        Assert.True(over.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)over.StatusCode}: {body}");
        Assert.Equal("1000", Assert.Single(over.Headers.GetValues("Retry-After")));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/too-many-requests", problem.GetProperty("type").GetString());
        Assert.Equal("feedback", problem.GetProperty("rateLimit").GetString());
        Assert.Contains("RateLimits:FeedbackBurst", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    // A key with the feedback scope only, known to every check of the host when this returns.
    private async Task<string> CreateKeyAsync(string name)
    {
        await OperationWalk.UntilKnownAsync(Host.BaseAddress, "/api/v1/keys", TestKeys.Admin, Host.Failure);
        using var created = await Host.Client.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name, scopes = FeedbackOnly });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var key = body.GetProperty("key").GetString()!;
        await OperationWalk.UntilKnownAsync(Host.BaseAddress, "/api/v1/keys", key, Host.Failure);
        return key;
    }

    private async Task<HttpResponseMessage> PostFeedbackAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/feedback", UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
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
