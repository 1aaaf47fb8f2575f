using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Registry;

namespace Integration.Tests.RolloutControl;

/// <summary>
/// The rollout API of a Retrainer process on a real RabbitMQ, and its rollouts surviving a crash: a canary is started
/// and paused, the Retrainer is killed and started again, and the rollout is still there, a replica starting afterwards
/// is told to load the challenger beside the champion, and once resumed the canary steps up and promotes itself.
/// </summary>
[StartEarly]
public sealed class RolloutControlTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    private const string RolloutsPath = $"/api/v1/models/{TestModel.Name}/rollouts";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task A_paused_canary_survives_a_Retrainer_crash_is_served_to_a_late_replica_and_promotes_itself_once_resumed()
    {
        var models = await TestModel.CopyOfModelsFolderAsync();
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-rollout-control-{Guid.NewGuid():N}");
        await using var virtualHost = await broker.CreateVirtualHostAsync("rollout-control");
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = models,
            ["Storage__DataFolder"] = dataFolder,
            ["Rollouts__CanarySteps__0"] = "0.5",
            ["Rollouts__CanarySteps__1"] = "1",
            ["Rollouts__MinOutcomes"] = "0",
            ["Rollouts__EvaluationInterval"] = "00:00:01",
            // No traffic in this test: before the crash, a step waits for requests that never come, so the canary is
            // still at its first step when the pause arrives, however long the calls before it take.
            ["Rollouts__MinRequests"] = "1000000000",
        };
        // After the crash, on the same store and broker: a step is held for a second only (no requests needed), so the
        // resumed canary moves on by itself.
        var afterTheCrash = new Dictionary<string, string>(environment)
        {
            ["Rollouts__MinRequests"] = "0",
            ["Rollouts__MinDuration"] = "00:00:01",
        };
        var retrainer = ServiceProcess.Start("Retrainer", environment, "retrainer");
        ServiceProcess? inference = null;
        try
        {
            await retrainer.WaitUntilLiveAsync(Deadlines.ProcessStart);
            var uploads = new RegistryUploads(models);
            using (var uploaded = await uploads.UploadAsync(retrainer.Client, uploads.Card("2"), uploads.Onnx))
                Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());

            // Refused starts name what is wrong.
            var (status, problem) = await PostAsync(retrainer, RolloutsPath, new { version = "2", strategy = "blue-green" });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty("strategy", out _), problem.ToString());
            (status, _) = await PostAsync(retrainer, RolloutsPath, new { version = "9", strategy = "canary" });
            Assert.Equal(HttpStatusCode.NotFound, status);
            (status, _) = await PostAsync(retrainer, "/api/v1/models/no-such-model/rollouts", new { version = "2", strategy = "canary" });
            Assert.Equal(HttpStatusCode.NotFound, status);
            (status, _) = await GetAsync(retrainer, $"{RolloutsPath}/active");
            Assert.Equal(HttpStatusCode.NotFound, status);

            // Start a canary and hold it at its first step.
            using var created = await retrainer.Client.PostAsJsonAsync(new Uri(RolloutsPath, UriKind.Relative), new { version = "2", strategy = "canary" });
            var rollout = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.Clone();
            Assert.True(created.StatusCode == HttpStatusCode.Created, rollout.ToString());
            var id = rollout.GetProperty("rolloutId").GetString()!;
            Assert.Equal($"{RolloutsPath}/{id}", created.Headers.Location?.OriginalString);
            Assert.Equal(("running", "1", "2", 0.5), (State(rollout), rollout.GetProperty("championVersion").GetString(),
                rollout.GetProperty("challengerVersion").GetString(), rollout.GetProperty("challengerShare").GetDouble()));
            (status, rollout) = await PostAsync(retrainer, $"{RolloutsPath}/{id}/pause", new { reason = "before the crash" });
            Assert.Equal((HttpStatusCode.OK, "paused"), (status, State(rollout)));
            (status, _) = await PostAsync(retrainer, RolloutsPath, new { version = "2", strategy = "ab" });
            Assert.Equal(HttpStatusCode.Conflict, status);
            (status, _) = await PostAsync(retrainer, $"{RolloutsPath}/{id}/pause", new { });
            Assert.Equal(HttpStatusCode.Conflict, status);

            // Crash: killed without a shutdown (disposing kills the process tree), started again on the same store.
            await retrainer.DisposeAsync();
            retrainer = ServiceProcess.Start("Retrainer", afterTheCrash, "retrainer");
            await retrainer.WaitUntilLiveAsync(Deadlines.ProcessStart);

            (status, rollout) = await GetAsync(retrainer, $"{RolloutsPath}/active");
            Assert.Equal((HttpStatusCode.OK, id, "paused"), (status, rollout.GetProperty("rolloutId").GetString(), State(rollout)));
            Assert.Equal(["started", "paused"], Events(rollout));
            Assert.Equal((1, 2, 0.5), (rollout.GetProperty("step").GetProperty("index").GetInt32(),
                rollout.GetProperty("step").GetProperty("of").GetInt32(), rollout.GetProperty("step").GetProperty("share").GetDouble()));

            // A replica starting now asks which versions to load: the champion and the paused rollout's challenger.
            inference = ServiceProcess.Start("Inference", environment, "inference");
            await inference.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await inference.WaitForStatusAsync($"/v2/models/{TestModel.Name}/versions/1/ready", HttpStatusCode.OK, Deadlines.DistributedState);
            await inference.WaitForStatusAsync($"/v2/models/{TestModel.Name}/versions/2/ready", HttpStatusCode.OK, Deadlines.DistributedState);

            // Resumed, the restarted Retrainer moves the canary on by itself: the last step, then promotion.
            (status, rollout) = await PostAsync(retrainer, $"{RolloutsPath}/{id}/resume", new { reason = "after the crash" });
            Assert.Equal((HttpStatusCode.OK, "running"), (status, State(rollout)));
            var clock = Stopwatch.StartNew();
            while (State(rollout) != "promoted" && clock.Elapsed < Deadlines.DistributedState)
            {
                await Task.Delay(PollInterval);
                try
                {
                    (_, rollout) = await GetAsync(retrainer, $"{RolloutsPath}/{id}");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // The client's timeout while the machine is busy: not promoted yet, as far as the test knows.
                }
            }

            Assert.True(State(rollout) == "promoted", $"{rollout}\n{retrainer.Output}");
            Assert.Equal(["started", "paused", "resumed", "step", "promoted"], Events(rollout).Where(change => change != "analysis"));
            Assert.Equal(1.0, rollout.GetProperty("challengerShare").GetDouble());
            var (_, versions) = await GetAsync(retrainer, uploads.VersionsPath);
            Assert.Equal("2", versions.GetProperty("servedVersion").GetString());
            (status, _) = await PostAsync(retrainer, $"{RolloutsPath}/{id}/rollback", new { });
            Assert.Equal(HttpStatusCode.Conflict, status);
            (status, var list) = await GetAsync(retrainer, RolloutsPath);
            Assert.Equal((HttpStatusCode.OK, id), (status, list.GetProperty("rollouts")[0].GetProperty("rolloutId").GetString()));
        }
        finally
        {
            if (inference is not null)
                await inference.DisposeAsync();
            await retrainer.DisposeAsync();
            foreach (var folder in new[] { dataFolder, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string State(JsonElement rollout) => rollout.GetProperty("state").GetString()!;

    private static IEnumerable<string> Events(JsonElement rollout) =>
        [.. rollout.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("event").GetString()!)];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ServiceProcess service, string path, object body)
    {
        using var response = await service.Client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return (response.StatusCode, await BodyAsync(response));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(ServiceProcess service, string path)
    {
        using var response = await service.Client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await BodyAsync(response));
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
