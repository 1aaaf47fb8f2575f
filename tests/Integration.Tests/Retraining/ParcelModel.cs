using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TestSupport;

namespace Integration.Tests.Retraining;

/// <summary>
/// A team's own multiclass model for the tests of retraining any model: "parcel-size" (small, medium, large from x, a
/// colour, a shape and the hour a parcel was sent), registered as a linear ONNX model written without ML.NET that learned
/// nothing (a third for each label), its predictions made through the online API and their outcomes sent as feedback.
/// </summary>
public static class ParcelModel
{
    public const string Name = "parcel-size";
    public const string Path = $"/api/v1/models/{Name}";
    private static readonly string[] Colors = ["red", "green", "violet"];
    private static readonly string[] Shapes = ["box", "tube"];

    public const string Card = """
        {
          "schemaVersion": 1,
          "name": "parcel-size",
          "version": "1",
          "task": "multiclass",
          "features": [
            { "name": "x", "kind": "numeric", "min": 0, "max": 10 },
            { "name": "color", "kind": "categorical", "vocabulary": ["red", "green"], "encoding": "oneHot" },
            { "name": "shape", "kind": "categorical", "vocabulary": ["box", "tube"] },
            { "name": "sent", "kind": "timestamp", "parts": ["hour"] }
          ],
          "input": { "name": "features", "columns": ["x", "color=red", "color=green", "color=<unknown>", "shape", "sent.hour"] },
          "output": { "probability": "probabilities", "labels": ["small", "medium", "large"] },
          "label": { "field": "size" }
        }
        """;

    /// <summary>
    /// The embedded host's settings for these tests, data under <paramref name="dataFolder"/>, on the in-memory bus, no
    /// demo model, and retraining only by the manual <c>POST</c> (a job needs every outcome kept before it may run); each
    /// test adds its own (<paramref name="more"/> wins).
    /// </summary>
    public static Dictionary<string, string> EmbeddedSettings(string dataFolder, IReadOnlyDictionary<string, string> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var settings = new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = System.IO.Path.Combine(dataFolder, "models"),
            ["Registry__BootstrapDemoModel"] = "false",
            ["Storage__DataFolder"] = System.IO.Path.Combine(dataFolder, "store"),
            ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
            ["Retraining__Enabled"] = "false",
        };
        foreach (var (name, value) in more)
            settings[name] = value;
        return settings;
    }

    /// <summary>A parcel: its size follows x, the colour and the hour it was sent (with a little noise), as a team's data might.</summary>
    public static (object Input, string Size) Record(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var x = Math.Round(random.NextDouble() * 10, 2);
        var color = Colors[random.Next(Colors.Length)];
        var shape = Shapes[random.Next(Shapes.Length)];
        var sent = new DateTime(2024, 5, 1 + random.Next(28), random.Next(24), random.Next(60), 0);
        var score = x + (color == "red" ? 2 : 0) + (sent.Hour >= 12 ? 1.5 : 0) + (shape == "tube" ? -1 : 0) + (random.NextDouble() - 0.5);
        var size = random.NextDouble() < 0.05 ? "medium" : score < 4 ? "small" : score < 8 ? "medium" : "large";
        return (new { x, color, shape, sent = sent.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) }, size);
    }

    /// <summary>The registration of <paramref name="card"/> with <paramref name="onnx"/> (by default the model that learned nothing).</summary>
    public static HttpRequestMessage VersionUpload(string card = Card, byte[]? onnx = null)
    {
        var content = new MultipartFormDataContent();
        var cardPart = new StringContent(card);
        cardPart.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(cardPart, "card", "model-card.json");
        content.Add(new ByteArrayContent(onnx ?? LinearOnnxModel.Multiclass(new float[6, 3], [0f, 0f, 0f])), "onnx", "model.onnx");
        return new HttpRequestMessage(HttpMethod.Post, new Uri($"{Path}/versions", UriKind.Relative)) { Content = content };
    }

    /// <summary>Registers version 1, the model that learned nothing, once the host answers.</summary>
    public static Task RegisterAsync(ServiceProcess host) =>
        Poll.UntilAnsweredAsync(host.Client, () => VersionUpload(),
            answer => answer.Status is HttpStatusCode.Created or HttpStatusCode.Conflict,
            Deadlines.DistributedState, $"POST {Path}/versions to register version 1", host.Failure);

    /// <summary>
    /// <paramref name="count"/> predictions through the online API (100 a request), then their outcomes as feedback, joined
    /// by prediction id; returns once FeedbackCollector joined them all.
    /// </summary>
    public static async Task PredictAndSendOutcomesAsync(ServiceProcess host, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(host);
        var outcomes = new List<object>();
        for (var batch = 0; batch < count / 100; batch++)
        {
            var records = Enumerable.Range(0, 100).Select(_ => Record(random)).ToList();
            var answer = await Poll.PostUntilOkAsync(host.Client, $"{Path}/predict", records.Select(record => record.Input).ToArray(), Deadlines.DistributedState, host.Failure);
            var results = answer.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(records.Count, results.Count);
            outcomes.AddRange(results.Select((result, i) => new { predictionId = result.GetProperty("predictionId").GetGuid(), label = records[i].Size }));
        }

        using (var posted = await host.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes }))
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        await Poll.GetJsonAsync(host.Client, "/api/v1/feedback/stats", stats => stats.GetProperty("joined").GetInt64() == count, Deadlines.DistributedState, host.Failure);
    }

    /// <summary>
    /// A manual retraining once every outcome is kept: the Retrainer stores them in the background, so a job that ran
    /// before they were all there fails for too few rows, and another is asked for. Returns the job once it has left
    /// <c>running</c> (it may be <c>waiting</c>).
    /// </summary>
    public static async Task<JsonElement> RetrainOnEveryOutcomeAsync(ServiceProcess host)
    {
        ArgumentNullException.ThrowIfNull(host);
        JsonElement job = default;
        await Poll.UntilAsync(async () =>
        {
            using var started = await host.Client.PostAsJsonAsync(new Uri($"{Path}/retrainings", UriKind.Relative), new { reason = "feedback in" });
            var body = await started.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, body.ToString());
            job = await Poll.GetJsonAsync(host.Client, body.GetProperty("location").GetString()!, candidate => candidate.GetProperty("state").GetString() != "running",
                Deadlines.LongWork, host.Failure);
            return !(job.GetProperty("state").GetString() == "failed" && job.GetProperty("error").GetString()!.Contains("labelled rows", StringComparison.Ordinal));
        }, Deadlines.LongWork, "a retraining on every outcome", host.Failure);
        return job;
    }

    /// <summary>The version that answers <paramref name="record"/>, or null when the prediction failed.</summary>
    public static async Task<string?> AnsweredByAsync(ServiceProcess host, object record)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var answer = await host.Client.PostAsJsonAsync(new Uri($"{Path}/predict", UriKind.Relative), record);
        return answer.StatusCode == HttpStatusCode.OK ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString() : null;
    }
}
