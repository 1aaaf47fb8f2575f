using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Contracts.Predictions;
using Integration.Tests.Online;

namespace Integration.Tests.Predictions;

/// <summary>
/// FeedbackCollector, started as its own process on RabbitMQ (a virtual host per test) with its store in a
/// temporary folder, logs the <see cref="PredictionMade"/> events a test publishes and serves them over HTTP.
/// </summary>
public sealed class PredictionLogTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    private const string PredictionsQueue = "feedback-collector-predictions-made";
    private static readonly TimeSpan StartTimeout = Deadlines.ProcessStart;
    private static readonly TimeSpan LogTimeout = Deadlines.DistributedState;

    [Fact]
    public async Task A_published_prediction_is_served_by_its_id_with_every_field()
    {
        await using var system = await StartAsync("prediction-log");
        var prediction = Prediction("AA123");

        await system.Publisher.PublishAsync(prediction);

        var body = await system.Service.WaitForStatusAsync($"/api/v1/predictions/{prediction.PredictionId}", HttpStatusCode.OK, LogTimeout);
        var logged = JsonDocument.Parse(body).RootElement;
        Assert.Equal(prediction.PredictionId, logged.GetProperty("predictionId").GetGuid());
        Assert.Equal("flight-delay", logged.GetProperty("modelName").GetString());
        Assert.Equal("3", logged.GetProperty("modelVersion").GetString());
        Assert.Equal("AA123", logged.GetProperty("entityKey").GetString());
        Assert.Equal("corr-AA123", logged.GetProperty("correlationId").GetString());
        Assert.Equal("online", logged.GetProperty("source").GetString());
        Assert.Equal(1744, logged.GetProperty("input").GetProperty("distance").GetInt32());
        Assert.Equal(prediction.Features, logged.GetProperty("features").EnumerateArray().Select(feature => feature.GetSingle()));
        Assert.Equal("delayed", logged.GetProperty("label").GetString());
        Assert.Equal(0.8125f, logged.GetProperty("probability").GetSingle());
        Assert.Equal(1.46875f, logged.GetProperty("value").GetSingle());
        Assert.Equal(prediction.ReceivedAt, logged.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(prediction.PredictedAt, logged.GetProperty("predictedAt").GetDateTimeOffset());
        Assert.Equal(prediction.TraceParent, logged.GetProperty("traceParent").GetString());
        Assert.Empty(system.Publisher.Faults);
    }

    [Fact]
    public async Task The_same_prediction_published_twice_is_logged_once_without_faults()
    {
        await using var system = await StartAsync("prediction-twice");
        var prediction = Prediction("AA124");

        await system.Publisher.PublishAsync(prediction);
        await system.Service.WaitForStatusAsync($"/api/v1/predictions/{prediction.PredictionId}", HttpStatusCode.OK, LogTimeout);
        // The redelivery arrives after the first copy is stored, as a broker redelivery would.
        await system.Publisher.PublishAsync(prediction);

        // A barrier instead of a wait: the queue has seen both copies acknowledged, and MassTransit acknowledges a
        // message only when it is done with it: logged, or moved to the error queue after its last retry. (A later
        // marker prediction would not do: the endpoint takes up to 1000 messages at once, and a retried copy joins a
        // later batch, so the marker could be logged before the copy's fate is decided.)
        await Poll.UntilAsync(
            async () => await QueueCounts.AcknowledgedAsync(system.VirtualHost, PredictionsQueue) >= 2,
            LogTimeout, "FeedbackCollector to acknowledge both copies", system.Service.Failure);

        var listed = JsonDocument.Parse(await system.Service.WaitForStatusAsync(
            "/api/v1/predictions?model=flight-delay&entityKey=AA124", HttpStatusCode.OK, LogTimeout)).RootElement;
        var entry = Assert.Single(listed.GetProperty("predictions").EnumerateArray());
        Assert.Equal(prediction.PredictionId, entry.GetProperty("predictionId").GetGuid());
        Assert.Equal(0u, await QueueCounts.WaitingAsync(system.VirtualHost, PredictionsQueue + "_error"));
        Assert.True(system.Publisher.Faults.Count == 0, $"The consumer faulted: {string.Join("\n", system.Publisher.Faults)}\n{system.Service.Output}");
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_answered_with_problem_details()
    {
        await using var system = await StartAsync("prediction-problems");
        var unknown = Guid.CreateVersion7();

        var notFound = await GetProblemAsync(system.Service, $"/api/v1/predictions/{unknown}", HttpStatusCode.NotFound);
        Assert.Equal("tag:ml-platform,2025:problems/not-found", notFound.GetProperty("type").GetString());
        Assert.Contains(unknown.ToString(), notFound.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var malformed = await GetProblemAsync(system.Service, "/api/v1/predictions/12345", HttpStatusCode.BadRequest);
        Assert.Equal("tag:ml-platform,2025:problems/validation-failed", malformed.GetProperty("type").GetString());
        Assert.Contains("'12345' is not a prediction id", malformed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var missing = await GetProblemAsync(system.Service, "/api/v1/predictions?model=flight-delay", HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("entityKey", out _), missing.ToString());
    }

    private async Task<RunningSystem> StartAsync(string purpose)
    {
        var virtualHost = await broker.CreateVirtualHostAsync(purpose);
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-{purpose}-{Guid.NewGuid():N}");
        // The FeedbackCollector alone: no key owner runs here to give it keys (its checks are tested in Security/DistributedScopeTests).
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment()) { ["Storage__DataFolder"] = dataFolder, ["Security__Enabled"] = "false" };
        var service = ServiceProcess.Start("FeedbackCollector", environment);
        var system = new RunningSystem(virtualHost, dataFolder, service);
        try
        {
            // Ready means the bus is connected and the service's queue is bound: nothing published from now on is lost.
            await service.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);
            system.Publisher = await PredictionPublisher.StartAsync(virtualHost.ServiceEnvironment());
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonElement> GetProblemAsync(ServiceProcess service, string path, HttpStatusCode expected)
    {
        using var response = await service.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    // Values exact in binary, so float equality after the JSON round trips is exact too.
    private static PredictionMade Prediction(string entityKey)
    {
        var predictedAt = new DateTimeOffset(2001, 2, 3, 7, 45, 0, 125, TimeSpan.Zero);
        return new PredictionMade(
            Guid.CreateVersion7(),
            "flight-delay",
            "3",
            entityKey,
            $"corr-{entityKey}",
            PredictionSources.Online,
            JsonDocument.Parse("""{"date":"2001-02-03T07:45:00","origin":"ORD","destination":"LAX","distance":1744}""").RootElement.Clone(),
            [0.5f, 3f, 1744f, 7f, 6f, 0.25f],
            "delayed",
            0.8125f,
            1.46875f,
            predictedAt.AddMilliseconds(-4),
            predictedAt,
            $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
    }

    private sealed class RunningSystem(RabbitMqVirtualHost virtualHost, string dataFolder, ServiceProcess service) : IAsyncDisposable
    {
        public ServiceProcess Service { get; } = service;

        public string VirtualHost => virtualHost.Name;

        public PredictionPublisher Publisher { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            if (Publisher is not null)
                await Publisher.DisposeAsync();
            await Service.DisposeAsync();
            await virtualHost.DisposeAsync();
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }
}
