using System.Globalization;

namespace Integration.Tests.Retraining;

/// <summary>
/// The whole loop for a model that is not the flights demo, in the embedded host: a team's own multiclass model (a
/// linear ONNX model written without ML.NET, which learned nothing) is registered, predicts through the online API,
/// gets its outcomes as feedback, and a manual retraining trains a challenger from its card on the kept rows, judges it
/// on log loss and rolls it out; the new version then answers the same requests.
/// </summary>
public sealed class AnyModelRetrainingTests
{
    private const string ModelPath = ParcelModel.Path;
    private const int Records = 600;

    [Fact]
    public async Task A_model_trained_elsewhere_is_retrained_from_its_card_on_its_feedback_and_the_challenger_serves()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-any-model-{Guid.NewGuid():N}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", ParcelModel.EmbeddedSettings(dataFolder, new Dictionary<string, string>
            {
                ["Retraining__MinRows"] = Records.ToString(CultureInfo.InvariantCulture),
                ["Retraining__HoldoutShare"] = "0.25",
                ["Retraining__Trees"] = "50",
                ["Retraining__Leaves"] = "8",
                ["Retraining__MinimumRowsPerLeaf"] = "10",
                ["Retraining__RolloutStrategy"] = "single",
            }));
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await ParcelModel.RegisterAsync(host);

            // Predictions through the online API, then their outcomes as feedback, joined by prediction id.
            var random = new Random(17);
            await ParcelModel.PredictAndSendOutcomesAsync(host, Records, random);

            var job = await ParcelModel.RetrainOnEveryOutcomeAsync(host);

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
                    && await ParcelModel.AnsweredByAsync(host, ParcelModel.Record(random).Input) == "2",
                Deadlines.DistributedState, "version 2 to answer predictions", host.Failure);
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }
}
