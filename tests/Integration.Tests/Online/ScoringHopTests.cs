using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Online;

/// <summary>
/// FeatureBuilder's direct hop to the replicas (<c>FeatureBuilder:InferenceAddress</c>): a replica that cannot take a call
/// is passed over for the next, so clients never see it.
/// </summary>
public sealed class ScoringHopTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_replica_that_refuses_every_call_is_passed_over_for_one_that_scores()
    {
        // The platform on one virtual host; on another, a replica with no key owner and no registry: it listens, but
        // refuses every call (UNAVAILABLE: it has neither the API keys nor the model).
        await using var platform = await broker.CreateVirtualHostAsync("hop");
        await using var elsewhere = await broker.CreateVirtualHostAsync("hop-lonely");
        var models = await TestModel.ModelsFolderAsync();
        var good = ServiceProcess.FreeGrpcUrl();
        var lonely = ServiceProcess.FreeGrpcUrl();
        var environment = new Dictionary<string, string>(platform.ServiceEnvironment()) { ["Registry__ModelsFolder"] = models };
        await using var retrainer = ServiceProcess.Start("Retrainer", environment);
        await using var replica = ServiceProcess.Start("Inference", new Dictionary<string, string>(environment) { [ServiceProcess.GrpcUrlVariable] = good });
        await using var refusing = ServiceProcess.Start("Inference", new Dictionary<string, string>(elsewhere.ServiceEnvironment()) { [ServiceProcess.GrpcUrlVariable] = lonely });
        // The refusing replica first in the list: round robin starts there.
        await using var featureBuilder = ServiceProcess.Start("FeatureBuilder", new Dictionary<string, string>(environment)
        {
            ["FeatureBuilder__InferenceAddress"] = $"static:///{new Uri(lonely).Authority},{new Uri(good).Authority}",
        });
        await refusing.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await replica.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart);
        await Poll.PostUntilOkAsync(featureBuilder.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, featureBuilder.Failure);

        // Round robin sends every other call to the refusing replica: each must still be answered by the other.
        for (var i = 0; i < 10; i++)
        {
            using var response = await featureBuilder.Client.PostAsJsonAsync(new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative), DistributedSystem.ExampleRecord);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"call {i}: {(int)response.StatusCode} {body}\n{refusing.Output}");
            Assert.Equal(TestModel.Version, JsonDocument.Parse(body).RootElement.GetProperty("version").GetString());
        }
    }
}
