using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Feedback;

/// <summary>The embedded host (every service in one process, in-memory bus) takes ground truth on the same public path as the gateway.</summary>
public sealed class EmbeddedFeedbackTests
{
    private static readonly TimeSpan StartTimeout = Deadlines.ProcessStart;
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;

    [Fact]
    public async Task The_embedded_host_joins_feedback_posted_to_api_v1_feedback()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-feedback-{Guid.NewGuid():N}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
                ["Storage__DataFolder"] = dataFolder,
            });
            await host.WaitUntilLiveAsync(StartTimeout);
            await host.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, StartTimeout);
            var predictionId = await PredictAsync(host);

            using var posted = await host.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomes = new object[] { new { outcomeId = "embedded-1", predictionId, value = 22 } } });

            var body = await posted.Content.ReadAsStringAsync();
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, $"{(int)posted.StatusCode}: {body}");
            Assert.Equal("embedded-1", JsonDocument.Parse(body).RootElement.GetProperty("outcomes")[0].GetProperty("outcomeId").GetString());
            // Joined at once, or as soon as the prediction log has the prediction.
            var clock = Stopwatch.StartNew();
            string? status = null;
            while (clock.Elapsed < Timeout && status != "joined")
            {
                var outcome = JsonDocument.Parse(await host.WaitForStatusAsync("/api/v1/feedback/embedded-1", HttpStatusCode.OK, Timeout)).RootElement;
                status = outcome.GetProperty("status").GetString();
                if (status == "joined")
                    Assert.Equal(predictionId, outcome.GetProperty("predictionIds")[0].GetGuid());
                else
                    await Task.Delay(100);
            }

            Assert.True(status == "joined", $"The outcome is {status}.\n{host.Output}");
            var stats = JsonDocument.Parse(await host.WaitForStatusAsync("/api/v1/feedback/stats", HttpStatusCode.OK, Timeout)).RootElement;
            Assert.Equal(1, stats.GetProperty("joined").GetInt64());
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    // Inference may still be loading the model when FeatureBuilder already describes it (503 until then).
    private static async Task<Guid> PredictAsync(ServiceProcess host) =>
        (await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, StartTimeout, host.Failure))
            .GetProperty("predictionId").GetGuid();
}
