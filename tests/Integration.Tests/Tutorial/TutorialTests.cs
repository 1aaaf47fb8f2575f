using System.Text.Json;
using Integration.Tests.Cli;
using Integration.Tests.Online;
using Integration.Tests.Python;
using Modeling.Flights;

namespace Integration.Tests.Tutorial;

/// <summary>
/// docs/tutorial.md as a user runs it, on the embedded host started as the tutorial starts it
/// (<c>Retraining__MinRows=500</c>): docs/examples/tutorial/prepare.py trains the scikit-learn model on a card drafted
/// from its DataFrame, then once with <c>mlp</c> and once with docs/examples/tutorial/tutorial.py (the Python client)
/// the model is registered with its data, predicted online and as a batch, given its outcomes, monitored and retrained.
/// </summary>
public sealed class TutorialTests
{
    [Fact]
    public async Task A_scikit_learn_model_is_served_monitored_and_retrained_with_mlp_and_from_Python()
    {
        var root = Path.Combine(Path.GetTempPath(), $"it-tutorial-{Guid.NewGuid():N}");
        var models = await TestModel.CopyOfModelsFolderAsync();
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = models,
                ["Storage__DataFolder"] = Path.Combine(root, "store"),
                ["Retraining__MinRows"] = "500",
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, host.Failure);
            var environment = new Dictionary<string, string>
            {
                ["MLP_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
                ["MLP_KEY"] = TestKeys.Admin,
                ["MLP_CONFIG"] = Path.Combine(root, "no-config.json"),
                ["PYTHONPATH"] = Path.Combine(RepositoryRoot.Path, "clients", "python"),
            };

            // With mlp.
            var cli = Path.Combine(root, "cli");
            await PrepareAsync(cli, "weather-cli", environment);
            async Task<MlpRun> Mlp(params string[] args)
            {
                var run = await MlpHost.RunAsync(environment, args);
                Assert.True(run.ExitCode == 0, $"mlp {string.Join(' ', args)}: {run}\n--- host ---\n{host.Output}");
                return run;
            }

            await Mlp("models", "register", "weather-cli", "--card", Path.Combine(cli, "model-card.json"), "--onnx", Path.Combine(cli, "model.onnx"), "--reference", Path.Combine(cli, "reference.csv"));
            MlpRun oneDay = null!;
            await Poll.UntilAsync(async () => (oneDay = await MlpHost.RunAsync(environment, "predict", "weather-cli", "date=2013-07-04T00:00:00", "precipitation=0", "temp_max=27.2", "temp_min=14.4", "wind=2.1")).ExitCode == 0,
                Deadlines.DistributedState, "weather-cli to be served", host.Failure);
            Assert.Matches(@"Per label\s+drizzle [0-9.]+, fog [0-9.]+, rain [0-9.]+, snow [0-9.]+, sun [0-9.]+", oneDay.Output);
            var predicted = await Mlp("predict", "weather-cli", "--file", Path.Combine(cli, "days.json"));
            Assert.Contains("730 predicted, 0 invalid", predicted.Output, StringComparison.Ordinal);
            var batch = await Mlp("batch", "submit", "weather-cli", Path.Combine(cli, "batch-2015.csv"), "--wait", "--results", Path.Combine(cli, "results-2015.csv"));
            Assert.Contains("365 scored, 0 invalid", batch.Output, StringComparison.Ordinal);
            Assert.Equal(366, (await File.ReadAllLinesAsync(Path.Combine(cli, "results-2015.csv"))).Length);
            var sent = await Mlp("feedback", "send", Path.Combine(cli, "outcomes.csv"), "--model", "weather-cli");
            Assert.Matches(@"Sent\s+730 outcomes", sent.Output);
            await Poll.UntilAsync(async () =>
            {
                var monitor = await MlpHost.RunAsync(environment, "monitor", "weather-cli", "--window", "time", "-o", "json");
                return monitor.Output.Length > 0 && JsonDocument.Parse(monitor.Output).RootElement.GetProperty("report") is { ValueKind: JsonValueKind.Object } report
                    && report.GetProperty("window").GetProperty("outcomes").GetInt32() == 730;
            }, Deadlines.DistributedState, "Monitor to count weather-cli's 730 outcomes", host.Failure);
            // The labelled rows reach the Retrainer as events: the tutorial exports them until all 730 are there.
            var rows = Path.Combine(cli, "rows.csv");
            await Poll.UntilAsync(async () => (await MlpHost.RunAsync(environment, "training-data", "export", "weather-cli", "--to", rows)).ExitCode == 0
                && (await File.ReadAllLinesAsync(rows)).Length == 731, Deadlines.DistributedState, "the Retrainer to keep weather-cli's 730 labelled rows", host.Failure);
            var retrained = await Mlp("retrainings", "start", "weather-cli", "--reason", "tutorial", "--wait");
            Assert.Matches(@"Decision\s+(rolled-out|rejected)", retrained.Output);

            // From Python.
            var python = Path.Combine(root, "python");
            await PrepareAsync(python, "weather-py", environment);
            var (exit, output) = await PythonInterpreter.RunAsync([Path.Combine(RepositoryRoot.Path, "docs", "examples", "tutorial", "tutorial.py"), python], environment);
            Assert.True(exit == 0, $"tutorial.py exited with {exit}:\n{output}\n--- host ---\n{host.Output}");
            foreach (var line in new[] { "registered weather-py version 1, serving: True, reference rows: 366", "2013-2014: 730 predicted, 0 invalid", "365 scored, 0 invalid",
                "outcomes: {'sent': 730, ", "on 730 outcomes", "firing rules: False", "labelled rows kept for retraining: 730", ": succeeded, " })
                Assert.Contains(line, output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var folder in new[] { root, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task PrepareAsync(string folder, string model, IReadOnlyDictionary<string, string> environment)
    {
        var weather = Path.Combine(Path.GetDirectoryName(DemoData.RequireFlightsFile())!, "seattle-weather.csv");
        var (exit, output) = await PythonInterpreter.RunAsync([Path.Combine(RepositoryRoot.Path, "docs", "examples", "tutorial", "prepare.py"), weather, folder, model], environment);
        Assert.True(exit == 0, $"prepare.py exited with {exit}:\n{output}");
        Assert.Contains($"{model}: trained on 366 days of 2012", output, StringComparison.Ordinal);
    }
}
