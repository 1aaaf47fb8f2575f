using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TestSupport;

namespace Integration.Tests.Retraining;

/// <summary>
/// The whole loop for a model that is not the flights demo, in the embedded host: a team's own multiclass model (a
/// linear ONNX model written without ML.NET, which learned nothing) is registered, predicts through the online API,
/// gets its outcomes as feedback, and a manual retraining trains a challenger from its card on the kept rows, judges it
/// on log loss and rolls it out; the new version then answers the same requests.
/// </summary>
public sealed class AnyModelRetrainingTests
{
    internal const string Model = "parcel-size";
    internal const string ModelPath = $"/api/v1/models/{Model}";
    private const int Records = 600;
    private static readonly string[] Colors = ["red", "green", "violet"];
    private static readonly string[] Shapes = ["box", "tube"];

    private const string Card = """
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

    [Fact]
    public async Task A_model_trained_elsewhere_is_retrained_from_its_card_on_its_feedback_and_the_challenger_serves()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-any-model-{Guid.NewGuid():N}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = Path.Combine(dataFolder, "models"),
                ["Registry__BootstrapDemoModel"] = "false",
                ["Storage__DataFolder"] = Path.Combine(dataFolder, "store"),
                ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
                // Only the manual POST trains; every outcome must be kept before a job may run.
                ["Retraining__Enabled"] = "false",
                ["Retraining__MinRows"] = Records.ToString(CultureInfo.InvariantCulture),
                ["Retraining__HoldoutShare"] = "0.25",
                ["Retraining__Trees"] = "50",
                ["Retraining__Leaves"] = "8",
                ["Retraining__MinimumRowsPerLeaf"] = "10",
                ["Retraining__RolloutStrategy"] = "single",
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await RegisterAsync(host);

            // Predictions through the online API, then their outcomes as feedback, joined by prediction id.
            var random = new Random(17);
            var outcomes = new List<object>();
            for (var batch = 0; batch < Records / 100; batch++)
            {
                var records = Enumerable.Range(0, 100).Select(_ => Record(random)).ToList();
                var answer = await Poll.PostUntilOkAsync(host.Client, $"{ModelPath}/predict", records.Select(record => record.Input).ToArray(), Deadlines.DistributedState, host.Failure);
                var results = answer.GetProperty("results").EnumerateArray().ToList();
                Assert.Equal(records.Count, results.Count);
                outcomes.AddRange(results.Select((result, i) => new { predictionId = result.GetProperty("predictionId").GetGuid(), label = records[i].Size }));
            }

            using (var posted = await host.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes }))
                Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
            await Poll.GetJsonAsync(host.Client, "/api/v1/feedback/stats", stats => stats.GetProperty("joined").GetInt64() == Records, Deadlines.DistributedState, host.Failure);

            var job = await RetrainOnEveryOutcomeAsync(host);

            Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
            var data = job.GetProperty("data");
            Assert.Equal((450, 150), (data.GetProperty("trainingRows").GetInt32(), data.GetProperty("holdoutRows").GetInt32()));
            var evaluation = job.GetProperty("evaluation");
            Assert.Equal(("logLoss", "multiclass", "lower", "rolled-out"), (evaluation.GetProperty("metric").GetString(), evaluation.GetProperty("task").GetString(),
                evaluation.GetProperty("better").GetString(), evaluation.GetProperty("decision").GetString()));
            var (champion, challenger) = (evaluation.GetProperty("champion"), evaluation.GetProperty("challenger"));
            Assert.Equal((150, 150), (champion.GetProperty("rows").GetInt32(), challenger.GetProperty("rows").GetInt32()));
            Assert.Equal(Math.Log(3), champion.GetProperty("logLoss").GetDouble(), 4);
            Assert.True(challenger.GetProperty("logLoss").GetDouble() < champion.GetProperty("logLoss").GetDouble() - 0.005, evaluation.ToString());
            Assert.True(challenger.GetProperty("macroF1").GetDouble() > 0.7, evaluation.ToString());
            Assert.False(challenger.TryGetProperty("auc", out _), "a multiclass job has no AUC");

            // Registered as version 2 with the team's input tensor and output names, and serving (single rollout).
            Assert.Equal(("1", "2"), (job.GetProperty("championVersion").GetString(), job.GetProperty("challengerVersion").GetString()));
            var card = (await Poll.GetJsonAsync(host.Client, $"{ModelPath}/versions/2", _ => true, Deadlines.DistributedState, host.Failure)).GetProperty("card");
            Assert.Equal("features", card.GetProperty("input").GetProperty("name").GetString());
            Assert.Equal(["x", "color=red", "color=green", "color=<unknown>", "shape", "sent.hour"], card.GetProperty("input").GetProperty("columns").EnumerateArray().Select(column => column.GetString()));
            Assert.Equal("probabilities", card.GetProperty("output").GetProperty("probability").GetString());
            Assert.Equal(150, card.GetProperty("metrics").GetProperty("multiclass").GetProperty("rows").GetInt32());
            Assert.Equal(("manual", "1"), (card.GetProperty("lineage").GetProperty("trigger").GetString(), card.GetProperty("lineage").GetProperty("parentVersion").GetString()));
            await Poll.UntilAsync(
                async () => (await Poll.TryGetJsonAsync(host.Client, $"{ModelPath}/versions", host.Failure)) is { } versions
                    && versions.GetProperty("servedVersion").GetString() == "2"
                    && await AnsweredByAsync(host, Record(random).Input) == "2",
                Deadlines.DistributedState, "version 2 to answer predictions", host.Failure);
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    // A parcel: its size follows x, the colour and the hour it was sent (with a little noise), as a team's data might.
    internal static (object Input, string Size) Record(Random random)
    {
        var x = Math.Round(random.NextDouble() * 10, 2);
        var color = Colors[random.Next(Colors.Length)];
        var shape = Shapes[random.Next(Shapes.Length)];
        var sent = new DateTime(2024, 5, 1 + random.Next(28), random.Next(24), random.Next(60), 0);
        var score = x + (color == "red" ? 2 : 0) + (sent.Hour >= 12 ? 1.5 : 0) + (shape == "tube" ? -1 : 0) + (random.NextDouble() - 0.5);
        var size = random.NextDouble() < 0.05 ? "medium" : score < 4 ? "small" : score < 8 ? "medium" : "large";
        return (new { x, color, shape, sent = sent.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) }, size);
    }

    // The team's model: the same score for every label whatever the input, a third each.
    internal static async Task RegisterAsync(ServiceProcess host)
    {
        var onnx = LinearOnnxModel.Multiclass(new float[6, 3], [0f, 0f, 0f]);
        await Poll.UntilAnsweredAsync(host.Client, () =>
            {
                var content = new MultipartFormDataContent();
                var card = new StringContent(Card);
                card.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Add(card, "card", "model-card.json");
                content.Add(new ByteArrayContent(onnx), "onnx", "model.onnx");
                return new HttpRequestMessage(HttpMethod.Post, new Uri($"{ModelPath}/versions", UriKind.Relative)) { Content = content };
            },
            answer => answer.Status is HttpStatusCode.Created or HttpStatusCode.Conflict,
            Deadlines.DistributedState, $"POST {ModelPath}/versions to register version 1", host.Failure);
    }

    // A job needs every outcome kept (Retraining:MinRows): the Retrainer stores them in the background, so a job that
    // ran before they were all there fails for too few rows, and another is asked for.
    internal static async Task<JsonElement> RetrainOnEveryOutcomeAsync(ServiceProcess host)
    {
        JsonElement job = default;
        await Poll.UntilAsync(async () =>
        {
            using var started = await host.Client.PostAsJsonAsync(new Uri($"{ModelPath}/retrainings", UriKind.Relative), new { reason = "feedback in" });
            var body = await started.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, body.ToString());
            job = await Poll.GetJsonAsync(host.Client, body.GetProperty("location").GetString()!, candidate => candidate.GetProperty("state").GetString() != "running",
                Deadlines.LongWork, host.Failure);
            return !(job.GetProperty("state").GetString() == "failed" && job.GetProperty("error").GetString()!.Contains("labelled rows", StringComparison.Ordinal));
        }, Deadlines.LongWork, "a retraining on every outcome", host.Failure);
        return job;
    }

    private static async Task<string?> AnsweredByAsync(ServiceProcess host, object record)
    {
        using var answer = await host.Client.PostAsJsonAsync(new Uri($"{ModelPath}/predict", UriKind.Relative), record);
        return answer.StatusCode == HttpStatusCode.OK ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString() : null;
    }
}
