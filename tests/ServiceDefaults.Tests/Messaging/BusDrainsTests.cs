using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;

namespace ServiceDefaults.Tests.Messaging;

/// <summary>
/// At shutdown, whatever holds messages for the bus (an <see cref="IBusDrain"/>: Inference's prediction events, the audit
/// records) is drained while the bus still runs: hosted services stop in the reverse order of their registration, and the
/// services register theirs before <c>AddMessageBus</c> adds the bus.
/// </summary>
public sealed class BusDrainsTests
{
    [Fact]
    public async Task At_shutdown_every_drain_runs_while_the_bus_is_still_started()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "drains", EnvironmentName = "Testing" });
        builder.Configuration["Messaging:Transport"] = "InMemory";
        var drain = new ProbeDrain();
        // As a service's AddX does, before Program.cs calls AddMessageBus.
        builder.Services.AddSingleton<IBusDrain>(drain);
        builder.Services.AddHostedService(_ => drain);
        builder.AddMessageBus();
        using var host = builder.Build();
        await host.StartAsync();
        drain.Bus = host.Services.GetRequiredService<IBusControl>();
        // The bus starts in the background: polled until it is up.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (drain.Bus.CheckHealth().Status != BusHealthStatus.Healthy && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(BusHealthStatus.Healthy, drain.Bus.CheckHealth().Status);

        await host.StopAsync();

        // Drained once, by BusDrains, with the bus up; the drain's own hosted service stopped after the bus.
        Assert.Equal([BusHealthStatus.Healthy], drain.HealthWhenDrained);
        Assert.NotEqual(BusHealthStatus.Healthy, drain.HealthWhenStopped);
    }

    private sealed class ProbeDrain : IBusDrain, IHostedService
    {
        public IBusControl? Bus { get; set; }

        public List<BusHealthStatus> HealthWhenDrained { get; } = [];

        public BusHealthStatus? HealthWhenStopped { get; private set; }

        public Task DrainAsync(CancellationToken cancellationToken)
        {
            HealthWhenDrained.Add(Bus!.CheckHealth().Status);
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            HealthWhenStopped = Bus!.CheckHealth().Status;
            return Task.CompletedTask;
        }
    }
}
