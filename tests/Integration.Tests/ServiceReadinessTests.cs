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
        await using var process = ServiceProcess.Start(service, folders.With(virtualHost.ServiceEnvironment()));

        var ready = HealthReport.Parse(await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", ready.Status);
        var bus = ready.BusCheck ?? throw process.Failure($"/health/ready has no MassTransit bus check: {string.Join(", ", ready.Checks.Select(c => c.Name))}");
        Assert.Equal("Healthy", bus.Status);
        Assert.Contains("ready", bus.Tags);

        var live = HealthReport.Parse(await process.WaitForStatusAsync("/health/live", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", live.Status);
    }

    [Fact]
    public async Task A_service_connects_to_the_virtual_host_it_is_given_under_its_own_name()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("connection");
        using var folders = new ServiceFolders();
        await using var process = ServiceProcess.Start("Inference", folders.With(virtualHost.ServiceEnvironment()));
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
