using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Gateway;
using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// A running system with monitoring data for the dashboard tests: the embedded host (every service, 2-second
/// time buckets) behind a real Gateway process whose clusters all point at it, so the page, its scripts and
/// the monitoring API are reached through the gateway's routes the way a browser would. Online predictions in
/// <see cref="Waves"/> waves, each in a time bucket of its own, and one outcome for each of them (through
/// <c>POST /api/v1/feedback</c>) are sent through the gateway; the fixture is ready when Monitor has counted all of them.
/// </summary>
public sealed class DashboardSystem : IAsyncLifetime
{
    /// <summary>Waves of predictions, each in its own time bucket.</summary>
    public const int Waves = 4;

    /// <summary>Records per wave.</summary>
    public const int RecordsPerWave = 150;

    /// <summary>Predictions (and outcomes) sent.</summary>
    public const int Sent = Waves * RecordsPerWave;

    private static readonly TimeSpan Timeout = Deadlines.DistributedState;
    private static readonly TimeSpan Bucket = TimeSpan.FromSeconds(2);
    private static readonly string[] Airports = ["ORD", "ATL", "DFW", "LAX", "DEN", "PHX", "SFO", "IAH", "DTW", "MSP"];

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-dashboard-{Guid.NewGuid():N}");

    /// <summary>The embedded host (Monitor is in it).</summary>
    public ServiceProcess Host { get; private set; } = null!;

    /// <summary>The Gateway in front of it.</summary>
    public ServiceProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
            ["Storage__DataFolder"] = _dataFolder,
            ["Monitoring__BucketDuration"] = $"00:00:{Bucket.Seconds:00}",
            ["Monitoring__SaveInterval"] = "00:00:01",
            // A wave answered 503 because scoring took longer than FeatureBuilder waits would still be scored and
            // counted: the wait is far longer than a busy machine takes, so every wave is answered with its predictions.
            ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        var address = Host.BaseAddress.ToString().TrimEnd('/');
        Gateway = await ProxiedGateway.StartAsync(address, address, address, address, new Dictionary<string, string>
        {
            ["ReverseProxy__Clusters__monitor__Destinations__primary__Address"] = address,
            ["ReverseProxy__Clusters__retrainer__Destinations__primary__Address"] = address,
        });
        // FeatureBuilder describes the model as soon as it knows it, Inference answers once it has loaded it: before
        // that a prediction is refused (503). Waiting for both makes no prediction, so Monitor's counts stay exact.
        await Host.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);
        await Host.WaitForStatusAsync($"/v2/models/{TestModel.Name}/versions/{TestModel.Version}/ready", HttpStatusCode.OK, Deadlines.ProcessStart);

        var random = new Random(20010103);
        for (var wave = 0; wave < Waves; wave++)
        {
            var predictions = await PredictAsync(wave, random);
            await SendOutcomesAsync(predictions, random);
            // Monitor counts a prediction in the bucket open when it arrives: once it has counted this wave and opened a
            // newer bucket, the next wave cannot share a bucket with this one, however long anything took.
            await WaitUntilCountedAsync((wave + 1) * RecordsPerWave);
            if (wave < Waves - 1)
                await WaitUntilNewBucketIsOpenAsync();
        }

        await WaitUntilMonitoredAsync();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Host.DisposeAsync();
        if (Directory.Exists(_dataFolder))
            Directory.Delete(_dataFolder, recursive: true);
    }

    /// <summary>GET a monitoring API path through the gateway as JSON.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw Host.Failure($"GET {path} through the gateway answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    // January-like flights between ten large airports; the model's own probability decides how likely each
    // flight is to be delayed, so live AUC is a real number between 0.5 and 1.
    private async Task<List<(Guid Id, double Probability)>> PredictAsync(int wave, Random random)
    {
        var records = Enumerable.Range(0, RecordsPerWave).Select(index =>
        {
            var origin = Airports[random.Next(Airports.Length)];
            var destination = Airports.Where(airport => airport != origin).ElementAt(random.Next(Airports.Length - 1));
            return new
            {
                date = $"2001-01-{random.Next(1, 32):00}T{random.Next(6, 23):00}:{15 * random.Next(4):00}:00",
                origin,
                destination,
                distance = random.Next(200, 2600),
                entityKey = $"dashboard-{wave}-{index}",
            };
        }).ToArray();

        var answer = await Poll.UntilAnsweredAsync(
            Gateway.Client,
            () => new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative)) { Content = JsonContent.Create(records) },
            answer => answer.Status == HttpStatusCode.OK || !NothingScored(answer),
            Deadlines.ProcessStart,
            $"wave {wave} to be predicted",
            Host.Failure);
        if (answer.Status != HttpStatusCode.OK)
            throw Host.Failure($"Predicting wave {wave} answered {answer}");
        return [.. answer.Json().GetProperty("results").EnumerateArray()
            .Select(result => (result.GetProperty("predictionId").GetGuid(), result.GetProperty("probability").GetDouble()))];
    }

    // Answers after which nothing was scored, so a new try cannot count twice: Inference refused the request (the model
    // is not loaded on it yet), FeatureBuilder does not know the model yet, or the gateway found no instance to ask.
    private static bool NothingScored(HttpAnswer answer)
    {
        if (answer.Status != HttpStatusCode.ServiceUnavailable || !answer.Body.StartsWith('{'))
            return false;
        var problem = answer.Json();
        var title = problem.TryGetProperty("title", out var value) ? value.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var text) ? text.GetString() ?? "" : "";
        return title is "Models are loading" or "Instance not reachable" or "No instance available"
            || detail.StartsWith("Inference cannot score", StringComparison.Ordinal);
    }

    private async Task SendOutcomesAsync(List<(Guid Id, double Probability)> predictions, Random random)
    {
        var outcomes = predictions.Select(prediction => new
        {
            outcomeId = $"dashboard-{prediction.Id:N}",
            predictionId = prediction.Id,
            // Minutes of delay: late (past the model's 15 minutes) about as often as the model expects.
            value = random.NextDouble() < prediction.Probability ? 45 : -3,
        }).ToArray();
        using var response = await Gateway.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes });
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw Host.Failure($"POST /api/v1/feedback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task WaitUntilCountedAsync(long predictions) =>
        await Poll.GetJsonAsync(Gateway.Client, "/api/v1/monitoring/models", models => Counted(models, "predictions") == predictions, Timeout, Host.Failure);

    // The timeline lists the saved buckets and, newest, the open one: a new bucket is open when the newest has no
    // prediction (every prediction of the waves so far is counted, so they are all in older buckets).
    private async Task WaitUntilNewBucketIsOpenAsync() =>
        await Poll.GetJsonAsync(
            Gateway.Client,
            $"/api/v1/monitoring/models/{TestModel.Name}/versions/{TestModel.Version}/timeline",
            timeline => timeline.GetProperty("points").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } open
                && open.GetProperty("predictions").GetInt64() == 0,
            Timeout,
            Host.Failure);

    private async Task WaitUntilMonitoredAsync() =>
        await Poll.GetJsonAsync(
            Gateway.Client,
            "/api/v1/monitoring/models",
            models => Counted(models, "predictions") == Sent && Counted(models, "outcomes") == Sent,
            Timeout,
            Host.Failure);

    private static long Counted(JsonElement models, string what) =>
        models.GetProperty("models").EnumerateArray()
            .Where(model => model.GetProperty("model").GetString() == TestModel.Name)
            .Sum(model => model.GetProperty(what).GetInt64());
}
