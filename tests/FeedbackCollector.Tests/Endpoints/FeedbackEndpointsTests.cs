using System.Net;
using System.Text;
using System.Text.Json;
using FeedbackCollector.Predictions;
using FeedbackCollector.Tests.Predictions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace FeedbackCollector.Tests.Endpoints;

/// <summary>Ground truth over HTTP: per-outcome receipts, problem details naming the field, stats and one outcome by id.</summary>
public sealed class FeedbackEndpointsTests : IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"feedback-endpoints-{Guid.NewGuid():N}");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Storage:DataFolder", _dataFolder)
            .UseSetting("Messaging:Transport", "InMemory")
            .UseSetting("Feedback:MaxOutcomesPerRequest", "5"));
        _client = TestKeys.Authorized(_factory.CreateClient());
        TestKeys.Trust(_factory.Services);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        if (Directory.Exists(_dataFolder))
            Directory.Delete(_dataFolder, recursive: true);
    }

    [Fact]
    public async Task One_outcome_for_a_logged_prediction_is_accepted_as_joined()
    {
        var prediction = SamplePredictions.Of("AA123", DateTimeOffset.UtcNow.AddMinutes(-5));
        await Log.AddManyAsync([prediction], CancellationToken.None);

        var (status, body) = await PostAsync($$"""{"predictionId":"{{prediction.PredictionId}}","value":37}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var receipt = Assert.Single(body.GetProperty("outcomes").EnumerateArray());
        Assert.Equal(["outcomeId", "status", "predictionIds"], receipt.EnumerateObject().Select(property => property.Name));
        Assert.Equal("joined", receipt.GetProperty("status").GetString());
        Assert.Equal([prediction.PredictionId], receipt.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()));
        Assert.True(Guid.TryParse(receipt.GetProperty("outcomeId").GetString(), out _));
    }

    [Fact]
    public async Task Many_outcomes_get_one_receipt_each_in_order()
    {
        var prediction = SamplePredictions.Of("AA123", DateTimeOffset.UtcNow.AddMinutes(-5));
        await Log.AddManyAsync([prediction], CancellationToken.None);

        var (status, body) = await PostAsync($$"""
            {"outcomes":[
              {"outcomeId":"o-1","predictionId":"{{prediction.PredictionId}}","value":37},
              {"outcomeId":"o-2","model":"flight-delay","entityKey":"AA999","label":"late"},
              {"outcomeId":"o-1","predictionId":"{{prediction.PredictionId}}","value":37}
            ]}
            """);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(
            [("o-1", "joined", 1), ("o-2", "pending", 0), ("o-1", "duplicate", 1)],
            body.GetProperty("outcomes").EnumerateArray().Select(receipt => (
                receipt.GetProperty("outcomeId").GetString(), receipt.GetProperty("status").GetString(), receipt.GetProperty("predictionIds").GetArrayLength())));
    }

    [Fact]
    public async Task An_invalid_outcome_in_a_list_is_a_400_naming_its_path_and_nothing_is_stored()
    {
        var (status, problem) = await PostAsync("""
            {"outcomes":[
              {"model":"flight-delay","entityKey":"A1","value":1},
              {"model":"flight-delay","entityKey":"A2","value":2},
              {"model":"flight-delay","entityKey":"A3","value":3},
              {"model":"flight-delay","entityKey":"A4","value":"late"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ProblemTypes.ValidationFailed, problem.GetProperty("type").GetString());
        Assert.Equal(["outcomes[3].value"], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
        Assert.StartsWith("outcomes[3].value: value must be a number", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (_, stats) = await GetAsync("/api/v1/feedback/stats");
        Assert.Equal(0, stats.GetProperty("received").GetInt64());
    }

    [Theory]
    [InlineData("""{"predictionId":"not-a-uuid","value":1}""", "predictionId")]
    [InlineData("""{"model":"flight-delay","entityKey":"A1"}""", "value")]
    [InlineData("""{"model":"flight-delay","value":1}""", "entityKey")]
    [InlineData("""{"outcomes":[]}""", "outcomes")]
    [InlineData("""[{"model":"flight-delay","entityKey":"A1","value":1}]""", "outcomes")]
    public async Task A_single_invalid_outcome_is_a_400_naming_the_field(string json, string field)
    {
        var (status, problem) = await PostAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_400_problem_and_another_media_type_a_415()
    {
        var (status, problem) = await PostAsync("{\"value\":");
        using var text = new StringContent("predictionId=1", Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync(new Uri("/api/v1/feedback", UriKind.Relative), text);
        var (unsupported, unsupportedProblem) = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ProblemTypes.BadRequest, problem.GetProperty("type").GetString());
        Assert.StartsWith("The body is not JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
        Assert.Equal(ProblemTypes.UnsupportedMediaType, unsupportedProblem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task More_outcomes_than_the_setting_allows_is_a_413_saying_the_limit()
    {
        var outcomes = string.Join(",", Enumerable.Range(0, 6).Select(index => $$"""{"model":"m","entityKey":"E{{index}}","value":1}"""));

        var (status, problem) = await PostAsync($$"""{"outcomes":[{{outcomes}}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(ProblemTypes.PayloadTooLarge, problem.GetProperty("type").GetString());
        Assert.Equal(5, problem.GetProperty("maxOutcomes").GetInt32());
    }

    [Fact]
    public async Task Stats_count_outcomes_in_all_and_per_model_and_an_outcome_is_served_with_its_status()
    {
        var prediction = SamplePredictions.Of("AA123", DateTimeOffset.UtcNow.AddMinutes(-5));
        await Log.AddManyAsync([prediction], CancellationToken.None);
        await PostAsync($$"""
            {"outcomes":[
              {"outcomeId":"joined-1","model":"flight-delay","entityKey":"AA123","value":37},
              {"outcomeId":"waiting-1","model":"flight-delay","entityKey":"AA124","value":3,"observedAt":"2001-02-03T09:52:00Z"},
              {"outcomeId":"waiting-2","predictionId":"{{Guid.CreateVersion7()}}","label":"late"}
            ]}
            """);
        await PostAsync("""{"outcomeId":"joined-1","model":"flight-delay","entityKey":"AA123","value":37}""");

        var (_, stats) = await GetAsync("/api/v1/feedback/stats");
        var (status, outcome) = await GetAsync("/api/v1/feedback/joined-1");
        var (_, waiting) = await GetAsync("/api/v1/feedback/waiting-1");
        var (missing, problem) = await GetAsync("/api/v1/feedback/no-such-outcome");

        Assert.Equal((3L, 1L, 2L, 0L, 1L), Tally(stats));
        var model = Assert.Single(stats.GetProperty("models").EnumerateArray());
        Assert.Equal("flight-delay", model.GetProperty("model").GetString());
        Assert.Equal((2L, 1L, 1L, 0L, 1L), Tally(model));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("joined", outcome.GetProperty("status").GetString());
        Assert.Equal([prediction.PredictionId], outcome.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()));
        Assert.Equal("1", outcome.GetProperty("joins")[0].GetProperty("modelVersion").GetString());
        Assert.Equal(1, outcome.GetProperty("duplicates").GetInt64());
        Assert.Equal(37, outcome.GetProperty("value").GetDouble());
        Assert.Equal("pending", waiting.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2001, 2, 3, 9, 52, 0, TimeSpan.Zero), waiting.GetProperty("observedAt").GetDateTimeOffset());
        Assert.Empty(waiting.GetProperty("predictionIds").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("no-such-outcome", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outcomes_posted_with_an_API_key_are_reported_by_the_key_and_the_stats_count_them_per_source()
    {
        var (key, entry) = TestKeys.Create(Scopes.Feedback, Scopes.Read);
        var (other, otherEntry) = TestKeys.Create(Scopes.Feedback, Scopes.Read);
        TestKeys.Trust(_factory.Services, entry, otherEntry);
        var (keyId, otherId) = (entry.KeyId, otherEntry.KeyId);
        var prediction = SamplePredictions.Of("AA1", DateTimeOffset.UtcNow.AddMinutes(-5));
        await Log.AddManyAsync([prediction], CancellationToken.None);

        var (status, _) = await PostAsync("""
            {"outcomes":[
              {"outcomeId":"by-key-1","model":"flight-delay","entityKey":"AA1","value":3},
              {"outcomeId":"by-key-2","model":"flight-delay","entityKey":"AA2","value":4}
            ]}
            """, key);
        // A copy sent by another caller counts with the first, under the first's source.
        var (again, _) = await PostAsync("""{"outcomeId":"by-key-1","model":"flight-delay","entityKey":"AA1","value":3}""", other);
        var (byOther, _) = await PostAsync("""{"outcomeId":"by-other-1","model":"flight-delay","entityKey":"AA1","value":5}""", other);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (status, again, byOther));
        var (_, outcome) = await GetAsync("/api/v1/feedback/by-key-1", key);
        Assert.Equal($"key:{keyId}", outcome.GetProperty("reportedBy").GetString());
        var (_, stats) = await GetAsync("/api/v1/feedback/stats", key);
        Assert.Equal((3L, 2L, 1L, 0L, 1L), Tally(stats));
        var expected = new (string?, (long, long, long, long, long))[] { ($"key:{keyId}", (2L, 1L, 1L, 0L, 1L)), ($"key:{otherId}", (1L, 1L, 0L, 0L, 0L)) }
            .OrderBy(source => source.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Reporters(stats));
        var model = Assert.Single(stats.GetProperty("models").EnumerateArray());
        Assert.Equal(expected, Reporters(model));
    }

    [Fact]
    public async Task With_security_turned_off_an_outcome_posted_without_a_credential_is_reported_by_anonymous()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"feedback-endpoints-open-{Guid.NewGuid():N}");
        try
        {
            await using (var open = _factory.WithWebHostBuilder(host => host.UseSetting("Storage:DataFolder", dataFolder).UseSetting("Security:Enabled", "false")))
            {
                using var client = open.CreateClient();
                using var content = new StringContent("""{"outcomeId":"open-1","model":"flight-delay","entityKey":"AA1","value":3}""", Encoding.UTF8, "application/json");
                using (var posted = await client.PostAsync(new Uri("/api/v1/feedback", UriKind.Relative), content))
                    Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
                var outcome = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/feedback/open-1", UriKind.Relative))).RootElement;
                Assert.Equal("anonymous", outcome.GetProperty("reportedBy").GetString());
            }
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    [Fact]
    public async Task The_API_document_describes_the_feedback_endpoints_and_the_request_body()
    {
        var (status, document) = await GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var paths = document.GetProperty("paths");
        var post = paths.GetProperty("/api/v1/feedback").GetProperty("post");
        Assert.Equal("#/components/schemas/FeedbackRequest", post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(post.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.TryGetProperty("/api/v1/feedback/stats", out _));
        Assert.True(paths.TryGetProperty("/api/v1/feedback/{outcomeId}", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").GetProperty("FeedbackRequest").GetProperty("properties").TryGetProperty("predictionId", out _));
    }

    private PredictionStore Log => _factory.Services.GetRequiredService<PredictionStore>();

    private static IEnumerable<(string?, (long, long, long, long, long))> Reporters(JsonElement counts) =>
        counts.GetProperty("reporters").EnumerateArray()
            .Select(source => (source.TryGetProperty("reportedBy", out var reportedBy) ? reportedBy.GetString() : null, Tally(source)));

    private static (long, long, long, long, long) Tally(JsonElement counts) => (
        counts.GetProperty("received").GetInt64(), counts.GetProperty("joined").GetInt64(), counts.GetProperty("pending").GetInt64(),
        counts.GetProperty("orphaned").GetInt64(), counts.GetProperty("duplicates").GetInt64());

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string json, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/feedback", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request, key);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        return await SendAsync(request, key);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request, string? key)
    {
        if (key is not null)
            request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        using var response = await _client.SendAsync(request);
        return await ReadAsync(response);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode >= HttpStatusCode.BadRequest)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
