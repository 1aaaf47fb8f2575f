using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Online;

/// <summary>
/// When no Inference replica answers, a client gets 503 with Retry-After, never a hang: over the bus once FeatureBuilder's
/// wait ends, over gRPC as soon as no replica's port takes the call.
/// </summary>
public sealed class InferenceUnavailableTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task A_prediction_without_any_Inference_replica_gets_503_with_Retry_After_after_the_timeout()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("no-inference");
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
            ["FeatureBuilder__InferenceTimeout"] = "00:00:01",
            ["FeatureBuilder__RetryAfterSeconds"] = "7",
        };
        await using var retrainer = ServiceProcess.Start("Retrainer", environment);
        await using var featureBuilder = ServiceProcess.Start("FeatureBuilder", environment);
        await featureBuilder.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);

        var clock = Stopwatch.StartNew();
        using var response = await featureBuilder.Client.PostAsJsonAsync(
            new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative), DistributedSystem.ExampleRecord);
        var elapsed = clock.Elapsed;

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("tag:ml-platform,2025:problems/service-unavailable", problem.GetProperty("type").GetString());
        // The answer says it is the one-second wait for Inference that ended (not a refusal, not models still loading);
        // the client was answered no sooner than that wait (a busy machine can only make it later, so there is no upper bound).
        Assert.Equal("Inference did not answer within 1 s.", problem.GetProperty("detail").GetString());
        Assert.True(elapsed >= TimeSpan.FromSeconds(1), $"Answered after {elapsed.TotalMilliseconds:0} ms, before the 1 s timeout.");
    }

    [Fact]
    public async Task A_prediction_whose_Inference_replicas_do_not_listen_gets_503_at_once_over_gRPC()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("no-inference-grpc");
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
            ["FeatureBuilder__RetryAfterSeconds"] = "7",
            // Two ports nothing listens on.
            ["FeatureBuilder__InferenceAddress"] = $"static:///127.0.0.1:{ServiceProcess.FreeTcpPort()},127.0.0.1:{ServiceProcess.FreeTcpPort()}",
        };
        await using var retrainer = ServiceProcess.Start("Retrainer", environment);
        await using var featureBuilder = ServiceProcess.Start("FeatureBuilder", environment);
        await featureBuilder.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);

        using var response = await featureBuilder.Client.PostAsJsonAsync(
            new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative), DistributedSystem.ExampleRecord);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith("No Inference replica answered (Unavailable)", detail, StringComparison.Ordinal);
    }
}
