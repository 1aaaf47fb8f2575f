using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Cli;

/// <summary>
/// <c>mlp</c> against the distributed mode's gateway (the shared distributed system): the same commands as against the
/// embedded host, through the gateway to FeatureBuilder, Inference, FeedbackCollector and Monitor.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class MlpGatewayTests(SharedSystem system)
{
    [Fact]
    public async Task Models_a_prediction_its_outcome_and_the_monitoring_through_the_gateway()
    {
        var environment = new Dictionary<string, string> { ["MLP_URL"] = system.Gateway.BaseAddress.ToString(), ["MLP_KEY"] = TestKeys.Admin };

        var models = await MlpHost.RunAsync(environment, "models", "list", "-o", "json");
        Assert.True(models.ExitCode == 0, models.ToString());
        Assert.Contains(JsonDocument.Parse(models.Output).RootElement.EnumerateArray(), model => model.GetProperty("name").GetString() == TestModel.Name);

        var key = $"gateway-{Guid.NewGuid():N}";
        var predicted = await MlpHost.RunAsync(environment, "predict", TestModel.Name, "date=2001-02-03T07:45:00", "origin=ORD", "destination=LAX", "distance=1744", $"entityKey={key}", "-o", "json");
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        var id = JsonDocument.Parse(predicted.Output).RootElement.GetProperty("predictionId").GetString()!;

        // The outcome, by the prediction's id, once FeedbackCollector has logged the prediction; then shown as joined.
        await Poll.GetJsonAsync(system.Gateway.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, system.Failure);
        var folder = Path.Combine(Path.GetTempPath(), $"mlp-gateway-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var outcomes = Path.Combine(folder, "outcomes.jsonl");
            await File.WriteAllTextAsync(outcomes, $"{{\"outcomeId\":\"{key}\",\"predictionId\":\"{id}\",\"value\":40}}\n");
            var sent = await MlpHost.RunAsync(environment, "feedback", "send", outcomes, "-o", "json");
            Assert.True(sent.ExitCode == 0, sent.ToString());
            Assert.Equal(1, JsonDocument.Parse(sent.Output).RootElement.GetProperty("joined").GetInt32());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Matches(@"Status\s+joined", (await MlpHost.RunAsync(environment, "feedback", "show", key)).Output);
        var monitor = await MlpHost.RunAsync(environment, "monitor", TestModel.Name, "-o", "json");
        Assert.True(monitor.ExitCode is 0 or 3, monitor.ToString());
        Assert.Equal(TestModel.Version, JsonDocument.Parse(monitor.Output).RootElement.GetProperty("version").GetString());
    }
}
