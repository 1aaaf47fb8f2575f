using System.Diagnostics;
using System.Net;

namespace Integration.Tests;

/// <summary>Each service, started as its own process against RabbitMQ, says when it can take work.</summary>
public sealed class ServiceReadinessTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    public static TheoryData<string> Services => new()
    {
        "Gateway", "FeatureBuilder", "Inference", "FeedbackCollector", "Monitor", "Retrainer",
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Every_service_starts_and_reports_ready_with_RabbitMQ(string service)
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync(service.ToLowerInvariant());
        using var folders = new ServiceFolders();
        // Each service alone: with security on, all but the key owner would wait for keys (tested below).
        var environment = folders.With(virtualHost.ServiceEnvironment());
        environment["Security__Enabled"] = "false";
        await using var process = ServiceProcess.Start(service, environment);

        var ready = HealthReport.Parse(await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", ready.Status);
        var bus = ready.BusCheck ?? throw process.Failure($"/health/ready has no MassTransit bus check: {string.Join(", ", ready.Checks.Select(c => c.Name))}");
        Assert.Equal("Healthy", bus.Status);
        Assert.Contains("ready", bus.Tags);

        var live = HealthReport.Parse(await process.WaitForStatusAsync("/health/live", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", live.Status);
    }

    [Fact]
    public async Task A_service_is_not_ready_until_the_key_owner_has_given_it_the_API_keys()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("keys");
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

    [Fact]
    public async Task A_service_connects_to_the_virtual_host_it_is_given_under_its_own_name()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("connection");
        using var folders = new ServiceFolders();
        // Inference alone: no key owner runs here (the keys' part of readiness is tested above).
        var environment = folders.With(virtualHost.ServiceEnvironment());
        environment["Security__Enabled"] = "false";
        await using var process = ServiceProcess.Start("Inference", environment);
        await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart);

        // The management API lists connections after its statistics interval (5 s by default), and answers slowly on a
        // busy machine.
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        do
        {
            try
            {
                var connections = await broker.ConnectionNamesAsync(virtualHost.Name);
                if (connections.Contains("Inference"))
                {
                    return;
                }

                last = $"[{string.Join(", ", connections)}]";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = exception.Message;
            }

            await Task.Delay(250);
        }
        while (clock.Elapsed < Deadlines.ManagementStatistics);

        throw process.Failure($"No connection named Inference on virtual host {virtualHost.Name} within {Deadlines.ManagementStatistics.TotalSeconds:0} s; connections there: {last}");
    }
}
