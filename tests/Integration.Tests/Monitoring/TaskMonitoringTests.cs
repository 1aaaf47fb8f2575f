using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TestSupport;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Models of every task get the whole of monitoring, end to end over HTTP on the embedded host: a team's multiclass and
/// regression models (linear ONNX models written without ML.NET) registered with reference data, predictions through the
/// online API, outcomes through <c>POST /api/v1/feedback</c>, and the task's metrics in Monitor's report, equal to those
/// worked out here from the answers and the models' own formulas; and a version registered without reference data
/// compared with a live reference built from its first predictions.
/// </summary>
public sealed class TaskMonitoringTests(TaskMonitoringSystem system) : IClassFixture<TaskMonitoringSystem>
{
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;
    private static readonly string[] Labels = ["low", "middle", "high"];
    private static readonly string[] Colors = ["red", "green", "violet"];

    private static string WeatherCard(string name) => $$"""
        {
          "name": "{{name}}",
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

    private const string PriceCard = """
        {
          "name": "tasks-price",
          "version": "1",
          "task": "regression",
          "features": [
            { "name": "x", "kind": "numeric", "min": 0, "max": 100 },
            { "name": "region", "kind": "categorical", "vocabulary": ["north", "south"] }
          ],
          "input": { "name": "features", "columns": ["x", "region"] },
          "output": { "score": "value" },
          "label": { "field": "price" }
        }
        """;

    [Fact]
    public async Task A_multiclass_model_s_predictions_and_outcomes_give_accuracy_macro_F1_and_log_loss_in_the_report()
    {
        const string Model = "tasks-weather";
        await RegisterAsync(Model, WeatherCard(Model), WeatherOnnx(), WeatherReference());

        var records = Enumerable.Range(0, 60).Select(i => new { x = Math.Round(i / 6.0, 2), color = Colors[i % 3] }).ToArray();
        var results = await PredictAsync(Model, records);
        // The truth follows x, except every seventh record, which is one label further: the model is wrong there.
        var truths = records.Select((record, i) => (Truth(record.x) + (i % 7 == 0 ? 1 : 0)) % 3).ToArray();
        await SendOutcomesAsync(results.Select((result, i) => (object)new { predictionId = result.Id, label = Labels[truths[i]] }));

        var report = await ReportAsync(Model, body => Realized(body) is { } realized && realized.GetProperty("rows").GetInt64() == records.Length);

        Assert.Equal("multiclass", report.GetProperty("task").GetString());
        Assert.Equal("dataset", report.GetProperty("reference").GetProperty("kind").GetString());
        var predicted = results.Select(result => Array.IndexOf(Labels, result.Label)).ToArray();
        for (var i = 0; i < records.Length; i++)
            Assert.Equal(ArgMax(Softmax(records[i].x)), predicted[i]);
        var realized = Realized(report)!.Value;
        Assert.Equal(Enumerable.Range(0, records.Length).Count(i => predicted[i] == truths[i]) / (double)records.Length, realized.GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(MacroF1(predicted, truths), realized.GetProperty("macroF1").GetDouble(), 9);
        // Log loss needs the true label's probability, which only the prediction's every-label probabilities give.
        Assert.Equal(records.Length, realized.GetProperty("logLossRows").GetInt64());
        Assert.Equal(records.Select((record, i) => -Math.Log(Softmax(record.x)[truths[i]])).Average(), realized.GetProperty("logLoss").GetDouble(), 4);
        Assert.InRange(report.GetProperty("performance").GetProperty("estimated").GetProperty("accuracy").GetDouble(), 1.0 / 3, 1);
        Assert.True(report.GetProperty("performance").GetProperty("reference").TryGetProperty("macroF1", out _), report.ToString());
        Assert.False(realized.TryGetProperty("auc", out _), realized.ToString());
    }

    [Fact]
    public async Task A_regression_model_s_predictions_and_outcomes_give_MAE_RMSE_and_R_squared_in_the_report()
    {
        const string Model = "tasks-price";
        await RegisterAsync(Model, PriceCard, LinearOnnxModel.Regression([2f, 5f], 1f), PriceReference());

        var records = Enumerable.Range(0, 50).Select(i => new { x = i * 1.5, region = i % 2 == 0 ? "north" : "south" }).ToArray();
        var results = await PredictAsync(Model, records);
        // The truth: the model's value 2x + 5·region + 1, off by 0, +1, −2, +3 in turn.
        double[] offsets = [0, 1, -2, 3];
        var truths = records.Select((record, i) => Price(record.x, record.region) + offsets[i % 4]).ToArray();
        await SendOutcomesAsync(results.Select((result, i) => (object)new { predictionId = result.Id, value = truths[i] }));

        var report = await ReportAsync(Model, body => Realized(body) is { } realized && realized.GetProperty("rows").GetInt64() == records.Length);

        Assert.Equal("regression", report.GetProperty("task").GetString());
        var values = results.Select(result => result.Value!.Value).ToArray();
        for (var i = 0; i < records.Length; i++)
            Assert.Equal(Price(records[i].x, records[i].region), values[i], 3);
        var errors = values.Select((value, i) => value - truths[i]).ToArray();
        var mean = truths.Average();
        var realized = Realized(report)!.Value;
        Assert.Equal(errors.Average(Math.Abs), realized.GetProperty("mae").GetDouble(), 3);
        Assert.Equal(Math.Sqrt(errors.Average(error => error * error)), realized.GetProperty("rmse").GetDouble(), 3);
        Assert.Equal(1 - (errors.Sum(error => error * error) / truths.Sum(truth => (truth - mean) * (truth - mean))), realized.GetProperty("rSquared").GetDouble(), 4);
        Assert.False(report.GetProperty("performance").TryGetProperty("estimated", out _), report.ToString());
        Assert.True(report.GetProperty("prediction").TryGetProperty("meanValue", out _), report.ToString());
    }

    [Fact]
    public async Task A_version_registered_without_reference_data_is_compared_with_a_live_reference_of_its_first_predictions()
    {
        const string Model = "tasks-weather-live";
        await RegisterAsync(Model, WeatherCard(Model), WeatherOnnx(), referenceCsv: null);

        // Predictions until Monitor has the card and counts them (those made before it has the card are not monitored).
        var like = Enumerable.Range(0, TaskMonitoringSystem.LiveReferenceRows).Select(i => new { x = Math.Round(i / 10.0, 2), color = Colors[i % 3] }).ToArray();
        await Poll.UntilAsync(async () =>
        {
            await PredictAsync(Model, like[..1]);
            return await CountedAsync(Model) > 0;
        }, Timeout, $"Monitor to count a prediction of {Model}", system.Host.Failure);
        // Every prediction of the version counted in the window is in the live reference being collected. (Compared within
        // one report: the loop's last predictions may still be arriving, so a count read before them would never match.)
        var collecting = await ReportAsync(Model, body => Reference(body).TryGetProperty("liveRowsCollected", out var rows)
            && rows.GetInt64() == body.GetProperty("window").GetProperty("predictions").GetInt64());
        Assert.False(Reference(collecting).TryGetProperty("kind", out _), collecting.ToString());
        Assert.Equal(TaskMonitoringSystem.LiveReferenceRows, Reference(collecting).GetProperty("liveRowsNeeded").GetInt32());

        await PredictAsync(Model, like);
        var live = await ReportAsync(Model, body => Reference(body).TryGetProperty("kind", out var kind) && kind.GetString() == "live");
        Assert.Equal(TaskMonitoringSystem.LiveReferenceRows, Reference(live).GetProperty("rows").GetInt64());
        Assert.False(Reference(live).TryGetProperty("liveRowsCollected", out _), live.ToString());
        // The registry writes it into the version's card, where a restarted Monitor finds it.
        var version = await Poll.GetJsonAsync(system.Host.Client, $"/api/v1/models/{Model}/versions/1",
            body => body.GetProperty("card").TryGetProperty("reference", out var reference) && reference.GetProperty("source").GetString() == "live", Timeout, system.Host.Failure);
        Assert.Equal(TaskMonitoringSystem.LiveReferenceRows, version.GetProperty("card").GetProperty("reference").GetProperty("rows").GetInt64());

        // Traffic unlike its first predictions: x near the top of its range, always green.
        var shifted = Enumerable.Range(0, 50).Select(i => new { x = 9 + (i % 10 / 10.0), color = "green" }).ToArray();
        for (var i = 0; i < 3; i++)
            await PredictAsync(Model, shifted);
        var drifted = await ReportAsync(Model, body => Column(body, "x") is { } x && x.GetProperty("rows").GetInt64() >= 150, window: "time");
        Assert.True(Column(drifted, "x")!.Value.GetProperty("psi").GetDouble() > 1, drifted.ToString());
        Assert.True(Column(drifted, "prediction")!.Value.GetProperty("psi").GetDouble() > 0.2, drifted.ToString());
    }

    [Fact]
    public async Task The_dashboard_shows_a_multiclass_version_s_own_metrics_and_no_binary_one()
    {
        const string Model = "tasks-weather-dashboard";
        await RegisterAsync(Model, WeatherCard(Model), WeatherOnnx(), WeatherReference());
        var records = Enumerable.Range(0, 30).Select(i => new { x = Math.Round(i / 3.0, 2), color = Colors[i % 3] }).ToArray();
        var results = await PredictAsync(Model, records);
        await SendOutcomesAsync(results.Select((result, i) => (object)new { predictionId = result.Id, label = Labels[Truth(records[i].x)] }));
        var report = await ReportAsync(Model, body => Realized(body) is { } realized && realized.GetProperty("rows").GetInt64() == records.Length);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"dashboard-multiclass-{Guid.NewGuid():N}.png");

        var dom = await HeadlessChromium.SignInAsync(
            new Uri(system.Host.BaseAddress, $"/dashboard/#model={Model}&version=1&window=time&range=1"), TestKeys.Admin, screenshot, 1400, 2400);

        var body = dom.Body;
        Assert.True(body.GetValueOrDefault("data-state") == "ready", $"data-state={body.GetValueOrDefault("data-state")}, error={body.GetValueOrDefault("data-error")}");
        Assert.Equal((Model, "multiclass", "dataset"), (body["data-model"], body["data-task"], body["data-reference"]));
        var metrics = dom.Rows("performance-table").Select(row => row.GetValueOrDefault("data-metric")).ToList();
        Assert.Contains("Accuracy", metrics);
        Assert.Contains("Macro-F1", metrics);
        Assert.Contains("Recall: high", metrics);
        Assert.DoesNotContain("AUC", metrics);
        Assert.DoesNotContain("Brier score", metrics);
        var performance = dom.Chart("performance-chart");
        Assert.Equal(["accuracy (live)", "accuracy (estimated)", "macro-F1 (live)"], performance.Series.Select(series => series.Name));
        Assert.Equal(report.GetProperty("segments").GetArrayLength(), dom.Rows("segments-table").Count(row => row.GetValueOrDefault("class") != "empty"));
    }

    private async Task RegisterAsync(string model, string card, byte[] onnx, string? referenceCsv)
    {
        using var response = await system.RegisterAsync(model, card, onnx, referenceCsv);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
    }

    // Scores the records once the model is served (404 or 503 until FeatureBuilder and Inference have it: nothing scored).
    private async Task<IReadOnlyList<Predicted>> PredictAsync(string model, object[] records)
    {
        var path = $"/api/v1/models/{model}/predict";
        var answer = await Poll.UntilAnsweredAsync(
            system.Host.Client,
            () => new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(records) },
            answer => answer.Status == HttpStatusCode.OK || (answer.Status != HttpStatusCode.NotFound && !Poll.IsTransient(answer.Status)
                ? throw system.Host.Failure($"POST {path} answered {answer}") : false),
            Timeout, $"POST {path} to be scored", system.Host.Failure);
        var results = answer.Json().GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(records.Length, results.Count);
        return [.. results.Select(result => new Predicted(
            result.GetProperty("predictionId").GetString()!,
            result.TryGetProperty("label", out var label) ? label.GetString() : null,
            result.TryGetProperty("value", out var value) ? value.GetDouble() : null))];
    }

    private async Task SendOutcomesAsync(IEnumerable<object> outcomes)
    {
        using var response = await system.Host.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes = outcomes.ToArray() });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/feedback answered {(int)response.StatusCode}: {body}");
    }

    private Task<JsonElement> ReportAsync(string model, Func<JsonElement, bool> condition, string window = "time") =>
        Poll.GetJsonAsync(system.Host.Client, $"/api/v1/monitoring/models/{model}/versions/1?window={window}", condition, Timeout, system.Host.Failure);

    private async Task<long> CountedAsync(string model) =>
        await Poll.TryGetJsonAsync(system.Host.Client, "/api/v1/monitoring/models", system.Host.Failure) is { } models
            ? models.GetProperty("models").EnumerateArray().Where(entry => entry.GetProperty("model").GetString() == model).Sum(entry => entry.GetProperty("predictions").GetInt64())
            : 0;

    private static JsonElement? Realized(JsonElement report) =>
        report.GetProperty("performance").TryGetProperty("realized", out var realized) ? realized : null;

    private static JsonElement Reference(JsonElement report) => report.GetProperty("reference");

    private static JsonElement? Column(JsonElement report, string column) =>
        report.GetProperty("drift").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(entry => entry!.Value.GetProperty("column").GetString() == column);

    // One score per label, linear in x: low 5 − 1.5x, middle 0, high 1.5x − 10; the colour's columns get no weight.
    private static byte[] WeatherOnnx()
    {
        var weights = new float[4, 3];
        (weights[0, 0], weights[0, 2]) = (-1.5f, 1.5f);
        return LinearOnnxModel.Multiclass(weights, [5f, 0f, -10f]);
    }

    private static double[] Softmax(double x)
    {
        double[] scores = [Math.Exp(5 - (1.5 * x)), 1, Math.Exp((1.5 * x) - 10)];
        return [.. scores.Select(score => score / scores.Sum())];
    }

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    private static int Truth(double x) => x < 3.3 ? 0 : x < 6.7 ? 1 : 2;

    private static double Price(double x, string region) => (2 * x) + (region == "south" ? 5 : 0) + 1;

    // The mean F1 of the labels that were true or predicted, each label's F1 0 without precision and recall.
    private static double MacroF1(int[] predicted, int[] truths)
    {
        var f1s = new List<double>();
        for (var label = 0; label < Labels.Length; label++)
        {
            var hits = predicted.Where((p, i) => p == label && truths[i] == label).Count();
            var (asPredicted, asTrue) = (predicted.Count(p => p == label), truths.Count(t => t == label));
            if (asPredicted == 0 && asTrue == 0)
                continue;
            var precision = asPredicted == 0 ? 0 : hits / (double)asPredicted;
            var recall = asTrue == 0 ? 0 : hits / (double)asTrue;
            f1s.Add(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
        }

        return f1s.Average();
    }

    // Training data: x spread over [0, 10), colours evenly, the label following x.
    private static string WeatherReference()
    {
        var random = new Random(11);
        var text = new StringBuilder("x,color,kind\n");
        for (var row = 0; row < 300; row++)
        {
            var x = Math.Round(random.NextDouble() * 10, 2);
            text.Append(CultureInfo.InvariantCulture, $"{x},{Colors[random.Next(Colors.Length)]},{Labels[Truth(x)]}\n");
        }

        return text.ToString();
    }

    // Training data: x over [0, 75), both regions, the price near the model's value.
    private static string PriceReference()
    {
        var random = new Random(12);
        var text = new StringBuilder("x,region,price\n");
        for (var row = 0; row < 300; row++)
        {
            var x = Math.Round(random.NextDouble() * 75, 2);
            var region = random.Next(2) == 0 ? "north" : "south";
            text.Append(CultureInfo.InvariantCulture, $"{x},{region},{Math.Round(Price(x, region) + ((random.NextDouble() - 0.5) * 4), 2)}\n");
        }

        return text.ToString();
    }

    private sealed record Predicted(string Id, string? Label, double? Value);
}
