using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests;

/// <summary>
/// A graceful stop (SIGTERM, as a rolling update sends) loses nothing the process accepted: prediction events still held
/// for the bus when the stop begins are published before the bus stops (<c>ServiceDefaults.BusDrains</c>).
/// </summary>
public sealed class GracefulShutdownTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Predictions_answered_just_before_a_graceful_stop_are_in_the_prediction_log_after_the_restart()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("graceful-stop");
        var models = await TestModel.CopyOfModelsFolderAsync();
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = models,
            // Each answer's events wait a whole second for others to share their message: the stop comes in that second.
            ["Inference__PredictionEventsLinger"] = "00:00:01",
        };
        var host = ServiceProcess.Start("Embedded", environment);
        try
        {
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, host.Failure);
            using var answer = await host.Client.PostAsJsonAsync(new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative),
                new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey = "stopped-graceful" });
            var id = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("predictionId").GetString();

            var (exitCode, restarted) = await host.StopGracefullyAndRestartAsync(TimeSpan.FromSeconds(60));
            host = restarted;

            Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM");
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            // The event waited on the broker while the host was down; FeedbackCollector logs it once it is back.
            await Poll.GetJsonAsync(host.Client, $"/api/v1/predictions/{id}", logged => logged.GetProperty("entityKey").GetString() == "stopped-graceful",
                Deadlines.DistributedState, host.Failure);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(models, recursive: true);
        }
    }
}
