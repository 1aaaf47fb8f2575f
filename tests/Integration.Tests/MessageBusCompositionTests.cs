using Contracts.Models;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServiceDefaults;

namespace Integration.Tests;

/// <summary>
/// The embedded mode composes every service's consumers onto one bus: each service registers its own
/// consumers and Program.cs adds the bus once.
/// </summary>
public sealed class MessageBusCompositionTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Consumers_registered_by_several_services_all_receive_from_one_bus()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddSingleton<Deliveries>();
        builder.AddMessageConsumers(bus => bus.AddConsumer<FirstServiceConsumer>());   // e.g. AddInference()
        builder.AddMessageConsumers(bus => bus.AddConsumer<SecondServiceConsumer>());  // e.g. AddMonitor()
        builder.AddMessageBus();

        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var registered = new ModelRegistered("flight-delay", "2", new Uri("file:///models/flight-delay/2/"), DateTimeOffset.UnixEpoch, "drift");
            await host.Services.GetRequiredService<IBus>().Publish(registered);

            var deliveries = host.Services.GetRequiredService<Deliveries>();
            Assert.Equal(registered, await deliveries.First.Task.WaitAsync(DeliveryTimeout));
            Assert.Equal(registered, await deliveries.Second.Task.WaitAsync(DeliveryTimeout));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void The_bus_does_not_send_usage_telemetry_to_the_MassTransit_vendor()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddMessageBus();

        using var host = builder.Build();
        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    [Fact]
    public void Registering_consumers_after_the_bus_was_added_is_refused()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddMessageBus();

        var refused = Assert.Throws<InvalidOperationException>(() =>
            builder.AddMessageConsumers(bus => bus.AddConsumer<FirstServiceConsumer>()));
        Assert.Contains("before builder.AddMessageBus()", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_the_bus_twice_is_refused()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddMessageBus();

        Assert.Throws<InvalidOperationException>(() => builder.AddMessageBus());
    }

    [Fact]
    public async Task A_host_with_consumers_but_no_bus_refuses_to_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddMessageConsumers(bus => bus.AddConsumer<FirstServiceConsumer>());

        using var host = builder.Build();
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("AddMessageBus was never called", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_RabbitMQ_transport_without_a_host_refuses_to_start_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "RabbitMq",
            ["Messaging:RabbitMq:Host"] = "",
        });
        builder.AddMessageBus();

        using var host = builder.Build();
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Messaging:RabbitMq:Host", refused.Message, StringComparison.Ordinal);
    }

    public sealed class Deliveries
    {
        public TaskCompletionSource<ModelRegistered> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ModelRegistered> Second { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class FirstServiceConsumer(Deliveries deliveries) : IConsumer<ModelRegistered>
    {
        public Task Consume(ConsumeContext<ModelRegistered> context)
        {
            deliveries.First.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }

    public sealed class SecondServiceConsumer(Deliveries deliveries) : IConsumer<ModelRegistered>
    {
        public Task Consume(ConsumeContext<ModelRegistered> context)
        {
            deliveries.Second.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }
}
