using System.Net;
using System.Net.Http.Json;

namespace Integration.Tests;

/// <summary>The embedded default run mode: the six services in one process, no broker to install.</summary>
public sealed class EmbeddedHostTests
{
    [Fact]
    public async Task The_embedded_host_starts_all_services_on_the_in_memory_bus_and_reports_ready()
    {
        using var folders = new ServiceFolders();
        await using var process = ServiceProcess.Start("Embedded", folders.With(new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
        }));

        var ready = HealthReport.Parse(await process.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, Deadlines.ProcessStart));
        Assert.Equal("Healthy", ready.Status);
        var bus = ready.BusCheck ?? throw process.Failure("/health/ready has no MassTransit bus check");
        Assert.Equal("Healthy", bus.Status);

        // Every service maps its endpoints into the one host; a route two of them claim would fail here.
        var description = await process.Client.GetFromJsonAsync<Description>("/");
        Assert.Equal("Embedded", description?.Name);
    }

    private sealed record Description(string Name, string Version, string Summary);
}
