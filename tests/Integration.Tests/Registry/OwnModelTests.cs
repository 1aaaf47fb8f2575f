using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;
using TestSupport;

namespace Integration.Tests.Registry;

/// <summary>
/// A team's own model, trained outside ML.NET (a linear multiclass ONNX model written from the ONNX messages), registered
/// with a file of the data it was trained on and no hand-written statistics: the registry computes the reference and
/// the metrics from the file, and Monitor reports drift per column against it.
/// </summary>
public sealed class OwnModelTests
{
    private const string Model = "weather-kind";
    private const string VersionsPath = $"/api/v1/models/{Model}/versions";
    private static readonly string[] Colors = ["red", "green", "violet"];

    private const string Card = """
        {
          "schemaVersion": 1,
          "name": "weather-kind",
          "version": "1",
          "task": "multiclass",
          "features": [
            { "name": "x", "kind": "numeric", "min": 0, "max": 10 },
            { "name": "color", "kind": "categorical", "vocabulary": ["red", "green"], "encoding": "oneHot" }
          ],
          "input": { "name": "features", "columns": ["x", "color=red", "color=green", "color=<unknown>"] },
          "output": { "probability": "probabilities", "labels": ["low", "middle", "high"] },
          "label": { "field": "kind" }
        }
        """;

    [Fact]
    public async Task A_model_registered_with_its_training_data_gets_a_reference_metrics_and_drift_per_column()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-own-model-{Guid.NewGuid():N}");
        var models = await TestModel.CopyOfModelsFolderAsync();
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                // A copy: the registry writes the new model's bundle into its models folder, which other tests must not see.
                ["Registry__ModelsFolder"] = models,
                ["Storage__DataFolder"] = dataFolder,
                ["Monitoring__CountWindow"] = "100",
                ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            // The flights test model serves first: the host's registry and Inference are up.
            await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", FlightRecord, Deadlines.ProcessStart, host.Failure);

            using (var unknownFormat = await UploadAsync(host.Client, Reference(300, invalid: false), "weather.txt", "application/octet-stream"))
                await AssertFieldErrorAsync(unknownFormat, "reference", ".csv");
            using (var nothingValid = await UploadAsync(host.Client, Encoding.UTF8.GetBytes("x,color,kind\nabc,red,low\n,green,high\n"), "weather.csv", "text/csv"))
                await AssertFieldErrorAsync(nothingValid, "reference", "row 1: x:");

            using var registered = await UploadAsync(host.Client, Reference(300, invalid: true), "weather.csv", "text/csv");
            var body = await registered.Content.ReadAsStringAsync();
            Assert.True(registered.StatusCode == HttpStatusCode.Created, $"{(int)registered.StatusCode} {body}\n{host.Output}");
            var card = JsonDocument.Parse(body).RootElement.GetProperty("card");
            var reference = card.GetProperty("reference");
            Assert.Equal(("dataset", "weather.csv", 300, 1), (reference.GetProperty("source").GetString(), reference.GetProperty("dataset").GetString(),
                reference.GetProperty("rows").GetInt64(), reference.GetProperty("skippedRows").GetInt64()));
            Assert.Equal(["x", "color=red", "color=green", "color=<unknown>"], reference.GetProperty("columns").EnumerateArray().Select(column => column.GetProperty("column").GetString()));
            Assert.Equal(3, reference.GetProperty("output").GetProperty("predictedClasses").EnumerateObject().Count());
            var metrics = card.GetProperty("metrics").GetProperty("multiclass");
            Assert.Equal(300, metrics.GetProperty("rows").GetInt64());
            Assert.InRange(metrics.GetProperty("accuracy").GetDouble(), 0.6, 1);

            // The version read back has the same reference: it is stored with the version.
            var stored = await Poll.GetJsonAsync(host.Client, $"{VersionsPath}/1", _ => true, Deadlines.DistributedState, host.Failure);
            Assert.Equal(300, stored.GetProperty("card").GetProperty("reference").GetProperty("rows").GetInt64());

            // Live traffic unlike the training data: x near the top of its range, always green.
            var shifted = Enumerable.Range(0, 50).Select(i => new { x = 9 + (i % 10 / 10.0), color = "green" }).ToArray();
            var predictionIds = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var answer = await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{Model}/predict", shifted, Deadlines.DistributedState, host.Failure);
                predictionIds.AddRange(answer.GetProperty("results").EnumerateArray().Select(result => result.GetProperty("predictionId").GetString()!));
            }

            var report = await Poll.GetJsonAsync(host.Client, $"/api/v1/monitoring/models/{Model}/versions/1",
                body => Column(body, "x") is { } x && x.GetProperty("rows").GetInt64() >= 100, Deadlines.DistributedState, host.Failure);
            Assert.True(Column(report, "x")!.Value.GetProperty("psi").GetDouble() > 1, report.ToString());
            Assert.True(Column(report, "color=green")!.Value.GetProperty("psi").GetDouble() > 0.5, report.ToString());

            // The outcomes become labelled rows the team can export and train on wherever it likes.
            var outcomes = predictionIds.Take(40).Select((id, index) => new { predictionId = id, label = index % 4 == 0 ? "middle" : "high" }).ToArray();
            using (var sent = await host.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes }))
                Assert.True(sent.IsSuccessStatusCode, $"{(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
            var exported = await Poll.GetTextAsync(host.Client, $"/api/v1/models/{Model}/training-data?format=jsonl",
                text => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 40, Deadlines.DistributedState, host.Failure);
            var lines = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Equal(10, lines.Count(line => line.GetProperty("kind").GetString() == "middle"));
            Assert.All(lines, line => Assert.Equal(("green", "1"), (line.GetProperty("color").GetString(), line.GetProperty("modelVersion").GetString())));
            Assert.All(lines, line => Assert.InRange(line.GetProperty("x").GetDouble(), 9, 10));
            var csv = await host.Client.GetStringAsync(new Uri($"/api/v1/models/{Model}/training-data?to=2000-01-01T00:00:00Z", UriKind.Relative));
            Assert.Equal("x,color,kind,observedAt,outcomeId,modelVersion,reportedBy", csv.TrimEnd());
            using (var badFormat = await host.Client.GetAsync(new Uri($"/api/v1/models/{Model}/training-data?format=xml", UriKind.Relative)))
                Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
            // The export is itself a reference file: the records with their labels, as the API takes them.
            using (var fromExport = await host.Client.PutAsync(new Uri($"{VersionsPath}/1/reference", UriKind.Relative), JsonLinesContent(exported)))
            {
                var fromExportBody = await fromExport.Content.ReadAsStringAsync();
                Assert.True(fromExport.StatusCode == HttpStatusCode.OK, $"{(int)fromExport.StatusCode} {fromExportBody}");
                Assert.Equal(40, JsonDocument.Parse(fromExportBody).RootElement.GetProperty("card").GetProperty("metrics").GetProperty("multiclass").GetProperty("rows").GetInt64());
            }

            // A reference can be replaced later, e.g. by the data of the season the model now serves: the body is the records.
            using (var notRecords = await host.Client.PutAsync(new Uri($"{VersionsPath}/1/reference", UriKind.Relative), new StringContent("x,color\n1,red\n", Encoding.UTF8, "text/plain")))
            {
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, notRecords.StatusCode);
                Assert.Contains("text/csv", await notRecords.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var unknown = await host.Client.PutAsync(new Uri($"{VersionsPath}/9/reference", UriKind.Relative), Csv(Reference(10, invalid: false))))
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            var later = Encoding.UTF8.GetBytes("x,color,kind\n" + string.Concat(shifted.Select(record => string.Create(CultureInfo.InvariantCulture, $"{record.x},{record.color},high\n"))));
            using (var replaced = await host.Client.PutAsync(new Uri($"{VersionsPath}/1/reference", UriKind.Relative), Csv(later)))
            {
                var replacedBody = await replaced.Content.ReadAsStringAsync();
                Assert.True(replaced.StatusCode == HttpStatusCode.OK, $"{(int)replaced.StatusCode} {replacedBody}");
            }

            var now = await Poll.GetJsonAsync(host.Client, $"{VersionsPath}/1", _ => true, Deadlines.DistributedState, host.Failure);
            var replacedReference = now.GetProperty("card").GetProperty("reference");
            Assert.Equal((50, "reference.csv"), (replacedReference.GetProperty("rows").GetInt64(), replacedReference.GetProperty("dataset").GetString()));
            Assert.Equal(1.0, now.GetProperty("card").GetProperty("metrics").GetProperty("multiclass").GetProperty("accuracy").GetDouble());
        }
        finally
        {
            foreach (var folder in new[] { dataFolder, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static readonly object FlightRecord = new { date = "2001-01-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 };

    private static JsonElement? Column(JsonElement report, string column) =>
        report.TryGetProperty("drift", out var drift) ? drift.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(entry => entry!.Value.GetProperty("column").GetString() == column) : null;

    private static StringContent JsonLinesContent(string records) => new(records, Encoding.UTF8, "application/jsonl");

    private static ByteArrayContent Csv(byte[] records)
    {
        var content = new ByteArrayContent(records);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field, string contains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").GetProperty(field);
        Assert.Contains(contains, errors[0].GetString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] reference, string fileName, string mediaType)
    {
        using var content = new MultipartFormDataContent();
        var card = new StringContent(Card);
        card.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(card, "card", "model-card.json");
        content.Add(new ByteArrayContent(Onnx()), "onnx", "model.onnx");
        var file = new ByteArrayContent(reference);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        content.Add(file, "reference", fileName);
        return await client.PostAsync(new Uri(VersionsPath, UriKind.Relative), content);
    }

    // One score per label, linear in x (low below about 3.3, high above about 6.7); the colour's columns get no weight.
    private static byte[] Onnx()
    {
        var weights = new float[4, 3];
        (weights[0, 0], weights[0, 2]) = (-1.5f, 1.5f);
        return LinearOnnxModel.Multiclass(weights, [5f, 0f, -10f]);
    }

    // Training data: x spread over [0, 10), colours evenly, the label following x; one row missing x when asked.
    private static byte[] Reference(int rows, bool invalid)
    {
        var random = new Random(11);
        var text = new StringBuilder("x,color,kind\n");
        for (var row = 0; row < rows; row++)
        {
            var x = Math.Round(random.NextDouble() * 10, 2);
            text.Append(CultureInfo.InvariantCulture, $"{x},{Colors[random.Next(Colors.Length)]},{(x < 3.3 ? "low" : x < 6.7 ? "middle" : "high")}\n");
        }

        if (invalid)
            text.Append(",red,low\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
