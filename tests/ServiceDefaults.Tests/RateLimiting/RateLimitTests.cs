using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.RateLimiting;

/// <summary>
/// The platform's rate limits on a real Kestrel server (<see cref="RateLimitedHost"/>), with tiny limits and buckets that
/// that gain no request while a test runs (one in 1000 s), so every verdict follows from the requests alone:
/// a caller over a kind's limit gets 429 problem details with Retry-After while other callers and other kinds pass;
/// uploads beyond the process's concurrent limit are refused at once; an address that failed to authenticate too often
/// is refused for every request with a credential, a good one too, while other addresses pass.
/// </summary>
public sealed class RateLimitTests
{
    private const string RefillSeconds = RateLimitedHost.RetryAfterSeconds;
    private const string WindowSeconds = "3600";

    [Fact]
    public async Task A_key_over_its_predictions_limit_gets_429_with_Retry_After_while_another_key_passes()
    {
        var (first, firstEntry) = TestKeys.Create(Scopes.Predict, Scopes.Read);
        var (second, secondEntry) = TestKeys.Create(Scopes.Predict);
        await using var host = await RateLimitedHost.StartAsync(
            new Dictionary<string, string?> { ["RateLimits:PredictionsBurst"] = "2" }, firstEntry, secondEntry);
        var client = host.Client(first);

        using var one = await PostAsync(client, "/predict");
        using var two = await PostAsync(client, "/predict");
        using var three = await PostAsync(client, "/predict");
        using var other = await PostAsync(host.Client(second), "/predict");
        using var read = await client.GetAsync(new Uri("/read", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (one.StatusCode, two.StatusCode));
        Assert.False(two.Headers.Contains("Retry-After"));
        var problem = await AssertTooManyAsync(three, RateLimitKinds.Predictions, RefillSeconds);
        Assert.Contains("RateLimits:PredictionsBurst", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("caller", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal($"key:{secondEntry.KeyId}", await other.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Each_kind_has_a_limit_of_its_own()
    {
        var (key, entry) = TestKeys.Create(Scopes.All.ToArray());
        await using var host = await RateLimitedHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["RateLimits:PredictionsBurst"] = "1",
                ["RateLimits:FeedbackBurst"] = "2",
                ["RateLimits:UploadsBurst"] = "3",
            },
            entry);
        var client = host.Client(key);

        var predictions = await StatusesAsync(client, "/predict", 2);
        var feedback = await StatusesAsync(client, "/feedback", 3);
        var uploads = await StatusesAsync(client, "/upload", 4);
        using var predictionAfterAll = await PostAsync(client, "/predict");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], predictions);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], feedback);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], uploads);
        await AssertTooManyAsync(predictionAfterAll, RateLimitKinds.Predictions, RefillSeconds);
        using var feedbackOver = await PostAsync(client, "/feedback");
        await AssertTooManyAsync(feedbackOver, RateLimitKinds.Feedback, RefillSeconds);
        using var uploadOver = await PostAsync(client, "/upload");
        await AssertTooManyAsync(uploadOver, RateLimitKinds.Uploads, RefillSeconds);
    }

    [Fact]
    public async Task Uploads_beyond_the_concurrent_limit_are_refused_at_once_and_taken_again_when_one_ends()
    {
        var (first, firstEntry) = TestKeys.Create(Scopes.Admin, Scopes.Predict);
        var (second, secondEntry) = TestKeys.Create(Scopes.Admin);
        await using var host = await RateLimitedHost.StartAsync(new Dictionary<string, string?> { ["RateLimits:MaxConcurrentUploads"] = "2" }, firstEntry, secondEntry);
        host.Uploads.Hold();

        var held = new[] { PostAsync(host.Client(first), "/upload"), PostAsync(host.Client(second), "/upload") };
        await host.Uploads.WaitUntilHeldAsync(2);
        using var third = await PostAsync(host.Client(second), "/upload");
        using var prediction = await PostAsync(host.Client(first), "/predict");
        host.Uploads.Release();
        var finished = await Task.WhenAll(held);

        var problem = await AssertTooManyAsync(third, TooManyRequests.ConcurrentUploads, "1");
        Assert.Contains("RateLimits:MaxConcurrentUploads", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.All(finished, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        foreach (var response in finished)
            response.Dispose();

        // The held uploads' places are given back as their requests end, which the clients may see their answers before.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HttpStatusCode again;
        do
        {
            using var response = await PostAsync(host.Client(first), "/upload");
            again = response.StatusCode;
        }
        while (again == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task After_too_many_failed_authentications_an_address_gets_429_for_every_request_with_a_credential_while_others_pass()
    {
        var (good, goodEntry) = TestKeys.Create(Scopes.Predict);
        var (reader, readerEntry) = TestKeys.Create(Scopes.Read);
        await using var host = await RateLimitedHost.StartAsync(
            new Dictionary<string, string?> { ["RateLimits:FailedAuthenticationLimit"] = "3", ["RateLimits:FailedAuthenticationWindow"] = "01:00:00" },
            goodEntry,
            readerEntry);
        var anonymous = host.Client();

        // Neither a request without a credential nor a key without the scope is a failed authentication.
        var withoutCredential = await StatusesAsync(anonymous, "/predict", 5);
        var withoutScope = await StatusesAsync(host.Client(reader), "/predict", 5);
        // Nor is a bad key on an operation that needs none: it is not checked.
        using var openWithBadKey = await host.Client(ApiKeySecret.Create().Key).GetAsync(new Uri("/health/live", UriKind.Relative));
        using var stillAccepted = await PostAsync(host.Client(good), "/predict");
        var guesses = new List<HttpStatusCode>();
        foreach (var bad in new[] { ApiKeySecret.Create().Key, "mlp_not-a-key", ApiKeySecret.Create().Key, ApiKeySecret.Create().Key })
            guesses.Add((await StatusesAsync(host.Client(bad), "/predict", 1))[0]);
        using var goodKeyAfter = await PostAsync(host.Client(good), "/predict");
        using var noCredentialAfter = await PostAsync(anonymous, "/predict");
        using var readerAfter = await host.Client(reader).GetAsync(new Uri("/read", UriKind.Relative));
        using var healthAfter = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var elsewhere = await PostAsync(host.Client(good, RateLimitedHost.OtherAddress), "/predict");
        using var badElsewhere = await PostAsync(host.Client(ApiKeySecret.Create().Key, RateLimitedHost.OtherAddress), "/predict");

        Assert.All(withoutCredential, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.All(withoutScope, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.Equal(HttpStatusCode.OK, openWithBadKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillAccepted.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], guesses);
        var problem = await AssertTooManyAsync(goodKeyAfter, TooManyRequests.FailedAuthentication, WindowSeconds);
        Assert.Contains("RateLimits:FailedAuthenticationLimit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertTooManyAsync(noCredentialAfter, TooManyRequests.FailedAuthentication, WindowSeconds);
        await AssertTooManyAsync(readerAfter, TooManyRequests.FailedAuthentication, WindowSeconds);
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badElsewhere.StatusCode);
    }

    [Fact]
    public async Task With_security_turned_off_callers_are_counted_by_client_address()
    {
        await using var host = await RateLimitedHost.StartAsync(
            new Dictionary<string, string?> { ["Security:Enabled"] = "false", ["RateLimits:PredictionsBurst"] = "2" });

        var here = await StatusesAsync(host.Client(), "/predict", 3);
        using var elsewhere = await PostAsync(host.Client(from: RateLimitedHost.OtherAddress), "/predict");
        using var over = await PostAsync(host.Client(), "/predict");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], here);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        var problem = await AssertTooManyAsync(over, RateLimitKinds.Predictions, RefillSeconds);
        Assert.Contains("client address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_names_each_rate_limited_operations_kind_and_its_429()
    {
        await using var host = await RateLimitedHost.StartAsync(new Dictionary<string, string?>());

        var document = await host.Client().GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));

        var paths = document.GetProperty("paths");
        foreach (var (path, kind) in new[] { ("/predict", "predictions"), ("/feedback", "feedback"), ("/upload", "uploads") })
        {
            var operation = paths.GetProperty(path).GetProperty("post");
            Assert.Equal(kind, operation.GetProperty(RateLimitDocumentation.ExtensionName).GetString());
            Assert.True(operation.GetProperty("responses").TryGetProperty("429", out _), path);
        }

        var read = paths.GetProperty("/read").GetProperty("get");
        Assert.False(read.TryGetProperty(RateLimitDocumentation.ExtensionName, out _));
        Assert.False(read.GetProperty("responses").TryGetProperty("429", out _));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path) =>
        client.PostAsync(new Uri(path, UriKind.Relative), null);

    private static async Task<List<HttpStatusCode>> StatusesAsync(HttpClient client, string path, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await PostAsync(client, path);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static async Task<JsonElement> AssertTooManyAsync(HttpResponseMessage response, string limit, string retryAfter)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(retryAfter, Assert.Single(response.Headers.GetValues("Retry-After")));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(ProblemTypes.TooManyRequests, problem.GetProperty("type").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(limit, problem.GetProperty(TooManyRequests.LimitMember).GetString());
        Assert.True(problem.TryGetProperty("traceId", out _));
        return problem;
    }
}
