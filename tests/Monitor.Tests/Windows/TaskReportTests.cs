using System.Text.Json;
using Modeling.Cards;
using Modeling.Statistics;
using Monitor.Alerts;
using ServiceDefaults;

namespace Monitor.Tests.Windows;

/// <summary>
/// The window report of each task, through the traffic recorder as events arrive and in the JSON the API writes: a
/// multiclass and a regression version get their own metrics and output drift and no binary field; a binary version's
/// report keeps its shape.
/// </summary>
public sealed class TaskReportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-tasks-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(Now);
    private MonitorServices _monitor = null!;

    public async Task InitializeAsync() =>
        _monitor = await MonitorServices.StartAsync(_folder, _clock, new MonitoringOptions { CountWindow = 1000, OutcomeCountWindow = 500 });

    public async Task DisposeAsync()
    {
        await _monitor.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_multiclass_version_reports_accuracy_macro_F1_log_loss_per_label_and_predicted_class_drift_and_no_binary_field()
    {
        var card = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 1, count: 5000));
        await _monitor.ServeAsync(card);
        var rows = TaskTestData.MulticlassRows(seed: 2, count: 1000);
        var labelled = rows.Take(500).ToList();
        foreach (var row in rows)
        {
            var prediction = TaskTestData.MulticlassPrediction(card, row, Now);
            await _monitor.Recorder.RecordAsync([prediction], default);
            if (labelled.Contains(row))
                await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, null, TaskTestData.Labels[row.Truth], Now), default);
        }

        var json = Json(_monitor.Report(card));

        Assert.Equal("multiclass", json.GetProperty("task").GetString());
        Assert.Equal(("dataset", 5000L), (json.GetProperty("reference").GetProperty("kind").GetString(), json.GetProperty("reference").GetProperty("rows").GetInt64()));
        var realized = json.GetProperty("performance").GetProperty("realized");
        var confusion = new MulticlassConfusion(3);
        foreach (var row in labelled)
            confusion.Add(row.Truth, row.Predicted, row.Probabilities[row.Truth]);
        var expected = confusion.Metrics(TaskTestData.Labels);
        Assert.Equal(500, realized.GetProperty("rows").GetInt64());
        Assert.Equal(expected.Accuracy, realized.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(expected.MacroF1, realized.GetProperty("macroF1").GetDouble(), 12);
        Assert.Equal(expected.LogLoss, realized.GetProperty("logLoss").GetDouble(), 9);
        Assert.Equal(expected.Classes["high"].Recall, realized.GetProperty("classes").GetProperty("high").GetProperty("recall").GetDouble(), 12);
        Assert.Equal(rows.Average(row => (double)row.Probabilities[row.Predicted]), json.GetProperty("performance").GetProperty("estimated").GetProperty("accuracy").GetDouble(), 6);
        var reference = json.GetProperty("performance").GetProperty("reference");
        Assert.Equal(card.Metrics!.Multiclass!.Accuracy, reference.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(card.Reference!.Output!.Confidence!.Mean!.Value, reference.GetProperty("meanConfidence").GetDouble(), 12);
        // The output as the predicted label's share, beside the reference's.
        var summary = json.GetProperty("prediction");
        Assert.Equal(rows.Count(row => row.Predicted == 2) / 1000.0, summary.GetProperty("predictedClasses").GetProperty("high").GetDouble(), 12);
        Assert.True(summary.TryGetProperty("referencePredictedClasses", out _));
        var output = Column(json, "prediction");
        Assert.Equal("categorical", output.GetProperty("kind").GetString());
        Assert.True(output.GetProperty("psi").GetDouble() < 0.05, output.ToString());
        // Segments by colour (a categorical feature of 3 categories, one-hot encoded), worst accuracy first.
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(3, segments.Count);
        Assert.All(segments, segment => Assert.Equal("color", segment.GetProperty("feature").GetString()));
        Assert.Equal(segments.Select(segment => segment.GetProperty("accuracy").GetDouble()).Order(), segments.Select(segment => segment.GetProperty("accuracy").GetDouble()));
        AssertAbsent(json, "performance.realized.auc", "performance.realized.brier", "performance.realized.precision", "performance.estimated.auc",
            "performance.reference.auc", "prediction.meanProbability", "prediction.predictedPositiveRate", "prediction.referenceMeanProbability", "prediction.meanValue");

        // Traffic from elsewhere (x near the top, always green): the predicted labels shift to "high".
        foreach (var row in TaskTestData.MulticlassRows(seed: 3, count: 1000, shift: true))
            await _monitor.Recorder.RecordAsync([TaskTestData.MulticlassPrediction(card, row, Now)], default);
        Assert.True(Column(Json(_monitor.Report(card)), "prediction").GetProperty("psi").GetDouble() > 0.2);
    }

    [Fact]
    public async Task A_multiclass_outcome_of_an_older_sender_counts_without_log_loss()
    {
        var card = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 4, count: 2000));
        await _monitor.ServeAsync(card);
        var rows = TaskTestData.MulticlassRows(seed: 5, count: 40);
        foreach (var (row, index) in rows.Select((row, index) => (row, index)))
        {
            var prediction = TaskTestData.MulticlassPrediction(card, row, Now, withProbabilities: index % 2 == 0);
            await _monitor.Recorder.RecordAsync([prediction], default);
            await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, null, TaskTestData.Labels[row.Truth], Now), default);
        }

        var realized = Json(_monitor.Report(card, WindowKind.Time)).GetProperty("performance").GetProperty("realized");

        Assert.Equal(40, realized.GetProperty("rows").GetInt64());
        Assert.Equal(20, realized.GetProperty("logLossRows").GetInt64());
        var withVector = rows.Where((_, index) => index % 2 == 0).ToList();
        Assert.Equal(withVector.Average(row => -Math.Log(row.Probabilities[row.Truth])), realized.GetProperty("logLoss").GetDouble(), 9);
        Assert.Equal(rows.Count(row => row.Truth == row.Predicted) / 40.0, realized.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public async Task A_regression_version_reports_MAE_RMSE_and_R_squared_and_the_predicted_value_s_drift_and_no_classification_field()
    {
        var card = TaskTestData.RegressionCard(TaskTestData.RegressionRows(seed: 6, count: 5000));
        await _monitor.ServeAsync(card);
        var rows = TaskTestData.RegressionRows(seed: 7, count: 1000);
        var errors = new RegressionErrors();
        foreach (var (row, index) in rows.Select((row, index) => (row, index)))
        {
            var prediction = TaskTestData.RegressionPrediction(card, row, Now);
            await _monitor.Recorder.RecordAsync([prediction], default);
            if (index < 500)
            {
                await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, row.Truth, null, Now), default);
                errors.Add(row.Truth, row.Predicted);
            }
        }

        var json = Json(_monitor.Report(card));

        Assert.Equal("regression", json.GetProperty("task").GetString());
        Assert.Equal("training", json.GetProperty("reference").GetProperty("kind").GetString());
        var realized = json.GetProperty("performance").GetProperty("realized");
        var expected = errors.Metrics();
        Assert.Equal(expected.Mae, realized.GetProperty("mae").GetDouble(), 9);
        Assert.Equal(expected.Rmse, realized.GetProperty("rmse").GetDouble(), 9);
        Assert.Equal(expected.RSquared!.Value, realized.GetProperty("rSquared").GetDouble(), 9);
        Assert.Equal(card.Metrics!.Regression!.Rmse, json.GetProperty("performance").GetProperty("reference").GetProperty("rmse").GetDouble(), 12);
        Assert.Equal(rows.Average(row => (double)row.Predicted), json.GetProperty("prediction").GetProperty("meanValue").GetDouble(), 4);
        Assert.Equal("continuous", Column(json, "prediction").GetProperty("kind").GetString());
        Assert.True(Column(json, "prediction").GetProperty("psi").GetDouble() < 0.05);
        // Segments by region (index-encoded, two regions and the unknown bucket): MAE and RMSE, worst RMSE first.
        var segments = json.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["region"], segments.Select(segment => segment.GetProperty("feature").GetString()).Distinct());
        Assert.True(segments[0].GetProperty("rmse").GetDouble() >= segments[^1].GetProperty("rmse").GetDouble());
        AssertAbsent(json, "performance.estimated", "performance.realized.accuracy", "performance.realized.auc", "prediction.meanProbability",
            "prediction.predictedPositiveRate", "prediction.meanConfidence", "segments.0.auc", "segments.0.accuracy");

        foreach (var row in TaskTestData.RegressionRows(seed: 8, count: 1000, shift: true))
            await _monitor.Recorder.RecordAsync([TaskTestData.RegressionPrediction(card, row, Now)], default);
        var shifted = Json(_monitor.Report(card));
        Assert.True(Column(shifted, "prediction").GetProperty("psi").GetDouble() > 0.2);
        Assert.True(Column(shifted, "x").GetProperty("psi").GetDouble() > 0.2);
    }

    [Fact]
    public async Task A_binary_version_s_report_keeps_its_fields()
    {
        var card = MonitorTestData.Card(MonitorTestData.Rows(seed: 9, count: 5000, shift: false));
        await _monitor.ServeAsync(card);
        foreach (var (features, probability) in MonitorTestData.Rows(seed: 10, count: 1000, shift: false))
        {
            var prediction = MonitorTestData.Prediction(card, features, probability, Now);
            await _monitor.Recorder.RecordAsync([prediction], default);
            await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, probability > 0.5 ? 40 : 0, null, Now), default);
        }

        var json = Json(_monitor.Report(card));

        Assert.Equal(["model", "version", "task", "reference", "window", "drift", "prediction", "performance", "segments"], Names(json));
        Assert.Equal("binary", json.GetProperty("task").GetString());
        Assert.Equal(["kind", "rows"], Names(json.GetProperty("reference")));
        Assert.Equal(["kind", "description", "outcomeDescription", "start", "end", "predictions", "outcomes", "outcomesStart", "outcomesEnd", "predictionsComplete", "outcomesComplete"],
            Names(json.GetProperty("window")));
        Assert.Equal(["column", "kind", "rows", "psi", "ks", "ksPValue", "chiSquare", "chiSquarePValue", "jensenShannon", "drifted"], Names(Column(json, "distance")));
        Assert.Equal(["meanProbability", "predictedPositiveRate", "referenceMeanProbability", "referencePredictedPositiveRate"], Names(json.GetProperty("prediction")));
        var performance = json.GetProperty("performance");
        Assert.Equal(["rows", "accuracy", "precision", "recall", "auc", "logLoss", "brier", "expectedCalibrationError", "calibration"], Names(performance.GetProperty("realized")));
        Assert.Equal(["rows", "accuracy", "precision", "recall", "auc"], Names(performance.GetProperty("estimated")));
        Assert.Equal(["auc", "accuracy", "logLoss", "brier"], Names(performance.GetProperty("reference")));
        Assert.Equal(["feature", "value", "outcomes", "auc", "accuracy", "logLoss"], Names(json.GetProperty("segments")[0]));
    }

    private static JsonElement Json(object report) => JsonSerializer.SerializeToElement(report, ApiJson.Options);

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(property => property.Name)];

    private static JsonElement Column(JsonElement report, string column) =>
        report.GetProperty("drift").EnumerateArray().Single(entry => entry.GetProperty("column").GetString() == column);

    private static void AssertAbsent(JsonElement json, params string[] paths)
    {
        foreach (var path in paths)
        {
            var element = json;
            var found = true;
            foreach (var part in path.Split('.'))
            {
                if (int.TryParse(part, out var index) ? element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() && (element = element[index]).ValueKind != JsonValueKind.Undefined
                    : element.ValueKind == JsonValueKind.Object && element.TryGetProperty(part, out element))
                {
                    continue;
                }

                found = false;
                break;
            }

            Assert.False(found, $"{path} should not be in the report: {json}");
        }
    }
}
