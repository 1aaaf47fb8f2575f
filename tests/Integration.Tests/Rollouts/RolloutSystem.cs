using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Registry;

namespace Integration.Tests.Rollouts;

/// <summary>
/// The distributed system on its own copy of the test models folder, with rollouts that move fast: canary steps of 50%
/// and 100%, each held for 20 challenger requests and 2 s, analysed every second on request metrics reported every
/// second, latency with 30 s of slack (never decisive); model metrics compared from 100 outcomes per version, a bandit deciding from 100 outcomes of both arms together
/// (enough for its traffic to move visibly before it decides).
/// </summary>
public sealed class RolloutSystem : DistributedSystem
{
    public const string RolloutsPath = $"/api/v1/models/{TestModel.Name}/rollouts";
    public const string PredictPath = $"/api/v1/models/{TestModel.Name}/predict";

    /// <summary>How long a state may take to cross processes (a prediction logged, clients answered) on a busy machine.</summary>
    public static readonly TimeSpan StateTimeout = Deadlines.DistributedState;

    /// <summary>
    /// How long a rollout may take to decide (steps held for requests, time and outcomes) and its route to reach the
    /// replicas (bandit arms follow outcomes) on a busy machine.
    /// </summary>
    public static readonly TimeSpan DecisionTimeout = Deadlines.LongWork;

    private const string RoutingLine = $"Routing {TestModel.Name}: ";
    private static readonly string[] Replicas = ["inference-1", "inference-2"];

    public RolloutSystem()
        : this(TestModel.CopyOfModelsFolderAsync().GetAwaiter().GetResult())
    {
    }

    private RolloutSystem(string modelsFolder)
        : base(new Dictionary<string, string>
        {
            ["Registry__ModelsFolder"] = modelsFolder,
            ["Rollouts__CanarySteps__0"] = "0.5",
            ["Rollouts__CanarySteps__1"] = "1",
            ["Rollouts__MinRequests"] = "20",
            ["Rollouts__MinDuration"] = "00:00:02",
            ["Rollouts__MinOutcomes"] = "100",
            ["Rollouts__EvaluationInterval"] = "00:00:01",
            // The suite runs every service on two shared cores beside other test projects: the p95 of a step's 20
            // requests is one pause (a canary here was rolled back at 16 ms against 1.2 ms, and pauses of a loaded
            // machine have no bound). The latency rule is tested both ways in Retrainer.Tests; here it never decides.
            ["Rollouts__LatencySlack"] = "00:00:30",
            ["Telemetry__ReportInterval"] = "00:00:01",
            // The replicas' Thompson sampling is reproducible (the bandit test asserts what holds for any seed).
            ["Randomness__Seed"] = "2001",
        })
    {
        Uploads = new RegistryUploads(modelsFolder);
    }

    /// <summary>Versions to upload, made from the test model.</summary>
    public RegistryUploads Uploads { get; }

    /// <summary>Registers <paramref name="version"/> (the test model's ONNX under another version) unless it exists.</summary>
    public async Task EnsureVersionAsync(string version)
    {
        using var existing = await Client.GetAsync(new Uri($"{Uploads.VersionsPath}/{version}", UriKind.Relative));
        if (existing.StatusCode == HttpStatusCode.OK)
            return;
        using var uploaded = await Uploads.UploadAsync(Client, Uploads.Card(version), Uploads.Onnx);
        if (uploaded.StatusCode != HttpStatusCode.Created)
            throw Failure($"uploading version {version}: {(int)uploaded.StatusCode} {await uploaded.Content.ReadAsStringAsync()}");
    }

    /// <summary>The version that serves the model now.</summary>
    public async Task<string> ChampionAsync() =>
        (await GetJsonAsync(Uploads.VersionsPath)).GetProperty("servedVersion").GetString()!;

    /// <summary>Starts a rollout; the created rollout.</summary>
    public async Task<JsonElement> StartRolloutAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync(new Uri(RolloutsPath, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
            throw Failure($"starting a rollout {JsonSerializer.Serialize(body)}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Posts an action (pause, resume, promote, rollback) to a rollout; the status and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ActAsync(string rolloutId, string action)
    {
        using var response = await Client.PostAsJsonAsync(new Uri($"{RolloutsPath}/{rolloutId}/{action}", UriKind.Relative), new { reason = "test" });
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>
    /// Waits until both Inference replicas route the test model as <paramref name="routing"/> says: the last
    /// <c>Routing flight-delay: …</c> line each logged (a replica logs its route whenever it changes).
    /// </summary>
    public async Task WaitUntilReplicasRouteAsync(string routing)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var routes = Replicas.Select(replica => LastRouting(Service(replica).Output)).ToList();
            if (routes.All(route => route == routing))
                return;
            if (clock.Elapsed > DecisionTimeout)
                throw Failure($"after {DecisionTimeout.TotalSeconds:0} s the replicas route '{string.Join("' and '", routes)}', not '{routing}'");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls a rollout until its state satisfies <paramref name="done"/>; the rollout.</summary>
    public async Task<JsonElement> WaitForRolloutAsync(string rolloutId, Func<string, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rollout = await GetJsonAsync($"{RolloutsPath}/{rolloutId}");
            if (done(rollout.GetProperty("state").GetString()!))
                return rollout;
            if (clock.Elapsed > DecisionTimeout)
                throw Failure($"rollout {rolloutId} did not reach the awaited state within {DecisionTimeout.TotalSeconds:0} s: {rollout}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Rolls the rollout back if it is still active: a test that failed half-way leaves the model as it found it, so
    /// the next test can start a rollout of its own.
    /// </summary>
    public async Task EndIfActiveAsync(string rolloutId)
    {
        var state = (await GetJsonAsync($"{RolloutsPath}/{rolloutId}")).GetProperty("state").GetString();
        if (state is "running" or "paused")
            await ActAsync(rolloutId, "rollback");
    }

    /// <summary>Predicts one record with an entity key: the prediction's id, version and label.</summary>
    public async Task<(Guid Id, string Version, string Label)> PredictAsync(string entityKey)
    {
        using var response = await PostAsync(PredictPath, Record(entityKey));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failure($"predict {entityKey}: {(int)response.StatusCode} {text}");
        var answer = JsonDocument.Parse(text).RootElement;
        return (answer.GetProperty("predictionId").GetGuid(), answer.GetProperty("version").GetString()!, answer.GetProperty("label").GetString()!);
    }

    /// <summary>Reports the delay a prediction's flight had, in minutes (late above 15), through the gateway.</summary>
    public async Task FeedbackAsync(Guid predictionId, int delay)
    {
        using var response = await Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { predictionId, value = delay });
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw Failure($"feedback for {predictionId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A flight record with an entity key.</summary>
    public static object Record(string entityKey) =>
        new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey };

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failure($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string? LastRouting(string output)
    {
        var line = output.Split('\n').LastOrDefault(line => line.Contains(RoutingLine, StringComparison.Ordinal));
        return line?[(line.IndexOf(RoutingLine, StringComparison.Ordinal) + RoutingLine.Length)..].Trim();
    }
}
