using System.Net;
using System.Text.Json;
using FeedbackCollector.Predictions;
using FeedbackCollector.Tests.Predictions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults;

namespace FeedbackCollector.Tests.Endpoints;

/// <summary>The prediction log over HTTP: camelCase predictions, and problem details that say what was wrong.</summary>
public sealed class PredictionEndpointsTests : IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"prediction-endpoints-{Guid.NewGuid():N}");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Storage:DataFolder", _dataFolder)
            .UseSetting("Messaging:Transport", "InMemory"));
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
    public async Task A_logged_prediction_is_served_with_every_field_in_camel_case()
    {
        var prediction = SamplePredictions.Of("AA123", SamplePredictions.Start);
        await Log.AddManyAsync([prediction], CancellationToken.None);

        var (status, body) = await GetAsync($"/api/v1/predictions/{prediction.PredictionId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            ["predictionId", "modelName", "modelVersion", "entityKey", "correlationId", "source", "input", "features", "label", "probability", "value", "receivedAt", "predictedAt", "traceParent", "shadow"],
            body.EnumerateObject().Select(property => property.Name));
        Assert.Equal(prediction.PredictionId, body.GetProperty("predictionId").GetGuid());
        Assert.Equal("AA123", body.GetProperty("entityKey").GetString());
        Assert.Equal("online", body.GetProperty("source").GetString());
        Assert.Equal("ORD", body.GetProperty("input").GetProperty("origin").GetString());
        Assert.Equal(prediction.Features, body.GetProperty("features").EnumerateArray().Select(feature => feature.GetSingle()));
        Assert.Equal(prediction.Probability, body.GetProperty("probability").GetSingle());
        Assert.Equal(prediction.PredictedAt, body.GetProperty("predictedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_unknown_id_is_a_404_problem_naming_the_id()
    {
        var id = Guid.CreateVersion7();

        var (status, problem) = await GetAsync($"/api/v1/predictions/{id}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(ProblemTypes.NotFound, problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains(id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_that_is_not_a_uuid_is_a_400_problem_saying_so()
    {
        var (status, problem) = await GetAsync("/api/v1/predictions/not-a-uuid");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ProblemTypes.ValidationFailed, problem.GetProperty("type").GetString());
        Assert.Contains("not-a-uuid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task An_entity_s_predictions_are_listed_newest_first()
    {
        var older = SamplePredictions.Of("AA123", SamplePredictions.Start);
        var newer = SamplePredictions.Of("AA123", SamplePredictions.Start.AddMinutes(5));
        await Log.AddManyAsync([older, newer, SamplePredictions.Of("AA124", SamplePredictions.Start)], CancellationToken.None);

        var (status, body) = await GetAsync("/api/v1/predictions?model=flight-delay&entityKey=AA123");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("flight-delay", body.GetProperty("modelName").GetString());
        Assert.Equal("AA123", body.GetProperty("entityKey").GetString());
        Assert.Equal(
            [newer.PredictionId, older.PredictionId],
            body.GetProperty("predictions").EnumerateArray().Select(prediction => prediction.GetProperty("predictionId").GetGuid()));

        var (_, limited) = await GetAsync("/api/v1/predictions?model=flight-delay&entityKey=AA123&limit=1");
        Assert.Equal(newer.PredictionId, Assert.Single(limited.GetProperty("predictions").EnumerateArray()).GetProperty("predictionId").GetGuid());
    }

    [Theory]
    [InlineData("/api/v1/predictions?entityKey=AA123", "model")]
    [InlineData("/api/v1/predictions", "model")]
    [InlineData("/api/v1/predictions?model=flight-delay", "entityKey")]
    [InlineData("/api/v1/predictions?model=flight-delay&entityKey=", "entityKey")]
    [InlineData("/api/v1/predictions?model=flight-delay&entityKey=AA123&limit=0", "limit")]
    [InlineData("/api/v1/predictions?model=flight-delay&entityKey=AA123&limit=ten", "limit")]
    public async Task A_listing_without_its_parameters_is_a_400_problem_naming_the_parameter(string path, string parameter)
    {
        var (status, problem) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ProblemTypes.ValidationFailed, problem.GetProperty("type").GetString());
        Assert.Contains($"'{parameter}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    private PredictionStore Log => _factory.Services.GetRequiredService<PredictionStore>();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode >= HttpStatusCode.BadRequest)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, SamplePredictions.Json(text));
    }
}
