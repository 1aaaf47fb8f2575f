using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Tests.Online;
using Integration.Tests.Python;
using Modeling.Flights;

namespace Integration.Tests.Registry;

/// <summary>
/// docs/your-own-model.md as a user runs it: docs/examples/seattle-weather/train.py trains a scikit-learn model on
/// Seattle's 2012 weather (Debian's python3, installed by scripts/install-python-tools.sh), and the files it writes are
/// registered, served and monitored by the embedded host with no statistics written by hand.
/// </summary>
[StartEarly]
public sealed partial class ScikitLearnModelTests
{
    private const string VersionsPath = "/api/v1/models/seattle-weather/versions";

    [Fact]
    public async Task A_scikit_learn_model_registered_with_its_training_data_is_served_scored_as_scikit_learn_scores_it_and_monitored()
    {
        var weather = Path.Combine(Path.GetDirectoryName(DemoData.RequireFlightsFile())!, "seattle-weather.csv");
        var output = Path.Combine(Path.GetTempPath(), $"it-sklearn-{Guid.NewGuid():N}");
        var dataFolder = Path.Combine(output, "store");
        var models = await TestModel.CopyOfModelsFolderAsync();
        try
        {
            var trained = await RunPythonAsync(Path.Combine(RepositoryRoot.Path, "docs", "examples", "seattle-weather", "train.py"), weather, output);
            var accuracy = double.Parse(TrainingAccuracy().Match(trained).Groups[1].Value, CultureInfo.InvariantCulture);

            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                // A copy: the registry writes the new model's bundle into its models folder, which other tests must not see.
                ["Registry__ModelsFolder"] = models,
                ["Storage__DataFolder"] = dataFolder,
                ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            // The flights test model serves first: the host's registry and Inference are up.
            await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", FlightRecord, Deadlines.ProcessStart, host.Failure);

            using var content = new MultipartFormDataContent();
            foreach (var (part, file, type) in new[] { ("card", "model-card.json", "application/json"), ("onnx", "model.onnx", "application/octet-stream"), ("reference", "reference.csv", "text/csv") })
            {
                var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(output, file)));
                bytes.Headers.ContentType = new MediaTypeHeaderValue(type);
                content.Add(bytes, part, file);
            }

            using var registered = await host.Client.PostAsync(new Uri(VersionsPath, UriKind.Relative), content);
            var body = await registered.Content.ReadAsStringAsync();
            Assert.True(registered.StatusCode == HttpStatusCode.Created, $"{(int)registered.StatusCode} {body}\n{host.Output}");
            var card = JsonDocument.Parse(body).RootElement.GetProperty("card");
            Assert.Equal(366, card.GetProperty("reference").GetProperty("rows").GetInt64());
            // The platform featurizes the records by the card and scores them with ONNX Runtime: the same accuracy as scikit-learn's own.
            Assert.Equal(accuracy, card.GetProperty("metrics").GetProperty("multiclass").GetProperty("accuracy").GetDouble(), 0.0015);

            var records = (await File.ReadAllLinesAsync(weather)).Skip(1).Where(line => line.StartsWith("2015", StringComparison.Ordinal)).Select(line =>
            {
                var fields = line.Split(',');
                return new { date = fields[0], precipitation = Number(fields[1]), temp_max = Number(fields[2]), temp_min = Number(fields[3]), wind = Number(fields[4]) };
            }).ToArray();
            var answer = await Poll.PostUntilOkAsync(host.Client, "/api/v1/models/seattle-weather/predict", records, Deadlines.DistributedState, host.Failure);
            Assert.Equal(365, answer.GetProperty("predicted").GetInt32());

            // 2015 was warmer than 2012: the day's highest temperature drifted, the months did not.
            var report = await Poll.GetJsonAsync(host.Client, "/api/v1/monitoring/models/seattle-weather/versions/1?window=time",
                body => Drift(body, "temp_max") is { } column && column.GetProperty("rows").GetInt64() == 365, Deadlines.DistributedState, host.Failure);
            Assert.True(Drift(report, "temp_max")!.Value.GetProperty("ksPValue").GetDouble() < 0.001, report.ToString());
            Assert.True(Drift(report, "date.month")!.Value.GetProperty("psi").GetDouble() < 0.01, report.ToString());
        }
        finally
        {
            foreach (var folder in new[] { output, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static readonly object FlightRecord = new { date = "2001-01-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 };

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static JsonElement? Drift(JsonElement report, string column) =>
        report.GetProperty("drift").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(entry => entry!.Value.GetProperty("column").GetString() == column);

    // Runs a script with the interpreter scripts/install-python-tools.sh found or installed; its output.
    private static async Task<string> RunPythonAsync(params string[] arguments)
    {
        var (exit, text) = await PythonInterpreter.RunAsync(arguments);
        Assert.True(exit == 0, $"python {string.Join(' ', arguments)} exited with {exit}:\n{text}");
        return text;
    }

    [GeneratedRegex(@"training accuracy ([0-9.]+)")]
    private static partial Regex TrainingAccuracy();
}
