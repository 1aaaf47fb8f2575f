using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>The embedded default monitors too, and keeps its timeline and alert history across a restart.</summary>
public sealed class EmbeddedMonitoringTests
{
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;

    [Fact]
    public async Task The_embedded_host_monitors_alerts_and_keeps_its_history_across_a_restart()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-monitor-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
            ["Storage__DataFolder"] = dataFolder,
            ["Monitoring__BucketDuration"] = "00:00:02",
            ["Monitoring__SaveInterval"] = "00:00:01",
            ["Monitoring__CountWindow"] = "100",
            ["Monitoring__Rules__0__Name"] = "input-drift",
            ["Monitoring__Rules__0__Kind"] = "Drift",
            ["Monitoring__Rules__0__Threshold"] = "0.2",
            ["Monitoring__Rules__0__MinRows"] = "50",
            ["Monitoring__Rules__0__ConsecutiveWindows"] = "1",
            // Far longer than scoring 50 records takes on a busy machine: a 503 here would be the machine, not the host.
            ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
        };
        try
        {
            string alertId;
            long counted;
            await using (var first = ServiceProcess.Start("Embedded", environment))
            {
                await first.WaitUntilLiveAsync(Deadlines.ProcessStart);
                await PredictUntilServedAsync(first);
                // One route at one hour, over and over: nothing like January's spread of flights.
                for (var i = 0; i < 3; i++)
                {
                    using var response = await first.Client.PostAsJsonAsync(Predict, Enumerable.Repeat(Record, 50).ToArray());
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }

                var alerts = await WaitForAsync(first, "/api/v1/monitoring/alerts?kind=drift", body => body.GetProperty("alerts").GetArrayLength() > 0);
                alertId = alerts.GetProperty("alerts")[0].GetProperty("alertId").GetString()!;
                // The alert and the rule's state are read from the store. The timeline is the saved buckets plus the open
                // one from memory (newest): once every prediction Monitor counted is in the timeline and the open bucket
                // has none, they are all in saved buckets, and the kill below loses nothing.
                counted = await CountedAsync(first);
                Assert.True(counted >= 151, $"Monitor counted {counted} predictions, not the 151 made.");
                await WaitForAsync(first, Timeline, body =>
                {
                    var points = body.GetProperty("points").EnumerateArray().ToList();
                    return points.Count > 0 && points[^1].GetProperty("predictions").GetInt64() == 0
                        && points.Sum(point => point.GetProperty("predictions").GetInt64()) == counted;
                });
            }

            // Killed (SIGKILL) by the dispose above, as a crash would: only what was saved survives.
            await using var second = ServiceProcess.Start("Embedded", environment);
            await second.WaitUntilLiveAsync(Deadlines.ProcessStart);
            var history = await WaitForAsync(second, "/api/v1/monitoring/alerts", body => body.GetProperty("alerts").GetArrayLength() > 0);
            Assert.Contains(history.GetProperty("alerts").EnumerateArray(), alert => alert.GetProperty("alertId").GetString() == alertId);
            var timeline = await WaitForAsync(second, Timeline,
                body => body.GetProperty("points").EnumerateArray().Sum(point => point.GetProperty("predictions").GetInt64()) == counted);
            Assert.Equal(2, timeline.GetProperty("bucketSeconds").GetInt32());
            var states = await WaitForAsync(second, "/api/v1/monitoring/alerts/active", body => body.GetProperty("rules").GetArrayLength() > 0);
            Assert.Contains(states.GetProperty("rules").EnumerateArray(), rule => rule.GetProperty("state").GetString() == "firing");
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    private static readonly string Timeline = $"/api/v1/monitoring/models/{TestModel.Name}/versions/{TestModel.Version}/timeline";

    private static readonly Uri Predict = new($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative);

    private static readonly object Record = new { date = "2001-01-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 };

    // One prediction once Inference has loaded the model (503 until then; a 503 predicts nothing).
    private static async Task PredictUntilServedAsync(ServiceProcess host) =>
        await Poll.PostUntilOkAsync(host.Client, Predict.ToString(), Record, Deadlines.ProcessStart, host.Failure);

    // Monitor's count of the test model's predictions, once it has counted the 151 made (one, then three times 50).
    private static async Task<long> CountedAsync(ServiceProcess host)
    {
        var models = await WaitForAsync(host, "/api/v1/monitoring/models", body => Counted(body) >= 151);
        return Counted(models);
    }

    private static long Counted(JsonElement models) =>
        models.GetProperty("models").EnumerateArray()
            .Where(model => model.GetProperty("model").GetString() == TestModel.Name)
            .Sum(model => model.GetProperty("predictions").GetInt64());

    // The API answers 404 for a version Monitor has no windows of yet (before the first prediction after a restart it may be restoring).
    private static Task<JsonElement> WaitForAsync(ServiceProcess host, string path, Func<JsonElement, bool> condition) =>
        Poll.GetJsonAsync(host.Client, path, condition, Timeout, host.Failure);
}
