using System.Diagnostics;
using System.Net;

namespace Integration.Tests;

/// <summary>Each service, started as its own process against RabbitMQ, says when it can take work.</summary>
[Collection(RabbitMqTestGroup.Name)]
public sealed class ServiceReadinessTests(RabbitMqFixture broker)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Services => new()
    {
        "Gateway", "FeatureBuilder", "Inference", "FeedbackCollector", "Monitor", "Retrainer",
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Every_service_starts_and_reports_ready_with_RabbitMQ(string service)
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync(service.ToLowerInvariant());
        await using var process = ServiceProcess.Start(service, virtualHost.ServiceEnvironment());

        var ready = HealthReport.Parse(await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout));
        Assert.Equal("Healthy", ready.Status);
        var bus = ready.BusCheck ?? throw process.Failure($"/health/ready has no MassTransit bus check: {string.Join(", ", ready.Checks.Select(c => c.Name))}");
        Assert.Equal("Healthy", bus.Status);
        Assert.Contains("ready", bus.Tags);

        var live = HealthReport.Parse(await process.WaitForStatusAsync("/health/live", HttpStatusCode.OK, StartTimeout));
        Assert.Equal("Healthy", live.Status);
    }

    [Fact]
    public async Task A_service_connects_to_the_virtual_host_it_is_given_under_its_own_name()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("connection");
        await using var process = ServiceProcess.Start("Inference", virtualHost.ServiceEnvironment());
        await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);

        // The management API lists connections after its statistics interval (5 s by default).
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> connections;
        do
        {
            connections = await broker.ConnectionNamesAsync(virtualHost.Name);
            if (connections.Contains("Inference"))
            {
                return;
            }

            await Task.Delay(250);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(15));

        throw process.Failure($"No connection named Inference on virtual host {virtualHost.Name}; connections there: [{string.Join(", ", connections)}]");
    }
}
