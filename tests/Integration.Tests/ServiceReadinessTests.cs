using System.Net;
using Integration.Tests.Online;

namespace Integration.Tests;

/// <summary>
/// Each service says when it can take work: every process of the shared distributed system (each service, connected to
/// RabbitMQ as its own user) is live and ready with its bus connected, and the broker lists its connection under the
/// service's name; a service started without the key owner is not ready until the keys arrive.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class ServiceReadinessTests(SharedSystem system)
{
    public static TheoryData<string> Processes => new()
    {
        "gateway", "featurebuilder", "inference-1", "inference-2", "feedbackcollector", "monitor", "retrainer",
    };

    [Theory]
    [MemberData(nameof(Processes))]
    public async Task Every_service_reports_live_and_ready_with_its_RabbitMQ_bus_connected(string name)
    {
        var process = system.Service(name);

        var ready = HealthReport.Parse(await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", ready.Status);
        var bus = ready.BusCheck ?? throw process.Failure($"/health/ready has no MassTransit bus check: {string.Join(", ", ready.Checks.Select(c => c.Name))}");
        Assert.Equal("Healthy", bus.Status);
        Assert.Contains("ready", bus.Tags);

        var live = HealthReport.Parse(await process.WaitForStatusAsync("/health/live", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", live.Status);
    }

    [Fact]
    public async Task Every_service_connects_to_the_virtual_host_it_is_given_under_its_own_name()
    {
        string[] expected = ["Gateway", "FeatureBuilder", "Inference", "Inference", "FeedbackCollector", "Monitor", "Retrainer"];
        // The management API lists connections after its statistics interval (5 s by default), and answers slowly on a
        // busy machine.
        await Poll.UntilAsync(
            async () =>
            {
                var connections = await system.Broker.ConnectionNamesAsync(system.VirtualHost);
                return expected.Order().SequenceEqual(connections.Where(expected.Contains).Order());
            },
            Deadlines.ManagementStatistics,
            $"a connection per service on virtual host {system.VirtualHost} named {string.Join(", ", expected)}",
            system.Failure);
    }

    [Fact]
    public async Task A_service_is_not_ready_until_the_key_owner_has_given_it_the_API_keys()
    {
        await using var virtualHost = await system.Broker.CreateVirtualHostAsync("keys");
        using var folders = new ServiceFolders();
        await using var inference = ServiceProcess.Start("Inference", folders.With(virtualHost.ServiceEnvironment()));
        await inference.WaitUntilLiveAsync(Deadlines.ProcessStart);

        // Connected, but without keys: not ready, and an operation that needs a credential is a 503, not a 401.
        await Poll.UntilAsync(async () =>
            {
                using var response = await inference.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                var report = HealthReport.Parse(await response.Content.ReadAsStringAsync());
                return report.BusCheck?.Status == "Healthy"
                    && report.Checks.Single(check => check.Name == "api-keys").Status == "Unhealthy"
                    && response.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            Deadlines.DistributedState, "ready to show the bus connected and the keys missing", inference.Failure);
        using (var before = await inference.Client.GetAsync(new Uri("/v2", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            Assert.NotNull(before.Headers.RetryAfter);
        }

        // The key owner starts: it takes the tests' admin key and announces it; the replica becomes ready and takes it.
        await using var retrainer = ServiceProcess.Start("Retrainer", folders.With(virtualHost.ServiceEnvironment()));
        await inference.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart);
        using var after = await inference.Client.GetAsync(new Uri("/v2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
