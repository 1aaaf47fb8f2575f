using System.Diagnostics;
using System.Net;

namespace Integration.Tests;

/// <summary>A service whose broker cannot be reached stays alive but says it is not ready.</summary>
public sealed class BrokerOutageTests
{
    [Fact]
    public async Task Ready_reports_unavailable_while_the_broker_cannot_be_reached()
    {
        var closedPort = ServiceProcess.FreeTcpPort();
        await using var process = ServiceProcess.Start("Inference", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "RabbitMq",
            ["Messaging__RabbitMq__Host"] = "127.0.0.1",
            ["Messaging__RabbitMq__Port"] = closedPort.ToString(),
        });

        await process.WaitUntilLiveAsync(Deadlines.ProcessStart);

        // The bus tries (and fails) to connect in the background; ready must stay 503 meanwhile: every answer for two
        // seconds, and at least one.
        var watch = Stopwatch.StartNew();
        string? body = null;
        do
        {
            try
            {
                using var ready = await process.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                body = await ready.Content.ReadAsStringAsync();
                if (ready.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    throw process.Failure($"/health/ready answered {(int)ready.StatusCode} with no broker on port {closedPort}: {body}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // The client's timeout while the machine is busy: no answer, so not a ready one either.
            }

            await Task.Delay(250);
        }
        while (watch.Elapsed < TimeSpan.FromSeconds(2) || (body is null && watch.Elapsed < Deadlines.DistributedState));

        var report = HealthReport.Parse(body ?? throw process.Failure($"/health/ready never answered within {Deadlines.DistributedState.TotalSeconds:0} s"));
        Assert.NotEqual("Healthy", report.Status);
        Assert.NotEqual("Healthy", report.BusCheck?.Status);

        using var live = await process.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
