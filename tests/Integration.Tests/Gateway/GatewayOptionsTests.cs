using System.Diagnostics;
using Integration.Tests.Online;
using Xunit.Sdk;

namespace Integration.Tests.Gateway;

/// <summary>The gateway's settings are checked at start-up: a wrong one stops it with the key to fix.</summary>
public sealed class GatewayOptionsTests
{
    [Fact]
    public async Task A_body_limit_that_is_not_positive_stops_the_gateway_naming_the_key()
    {
        await using var gateway = ServiceProcess.Start("Gateway", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Gateway__MaxRequestBodyBytes"] = "0",
        });

        var failure = await Assert.ThrowsAsync<XunitException>(() => gateway.WaitUntilLiveAsync(Deadlines.ProcessStart));
        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);

        // The process's last lines may arrive just after it exits.
        var clock = Stopwatch.StartNew();
        while (!gateway.Output.Contains("Gateway:MaxRequestBodyBytes must be positive", StringComparison.Ordinal) && clock.Elapsed < Deadlines.DistributedState)
            await Task.Delay(100);
        Assert.Contains("Gateway:MaxRequestBodyBytes must be positive", gateway.Output, StringComparison.Ordinal);
    }
}
