using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

using ServiceDefaults.Security;

namespace ServiceDefaults;

/// <summary>
/// The one MassTransit bus of a host, composed from the consumers of every service the host runs.
/// </summary>
/// <remarks>
/// MassTransit's <c>AddMassTransit</c> may be called once per container, and the embedded mode runs all six
/// services in one container. So a service never calls it: its <c>AddX</c> hands its registrations to
/// <see cref="AddMessageConsumers"/>, and Program.cs calls <see cref="AddMessageBus"/> once, after every
/// <c>AddX</c>, which calls <c>AddMassTransit</c> with all of them. (MassTransit 8 has no supported way to
/// add consumers to a bus after <c>AddMassTransit</c>; its multi-bus feature would give each service a
/// separate bus, which is not what the embedded mode wants.)
/// </remarks>
public static class MessageBusExtensions
{
    // Immediate retries for transient faults (a lock, a dropped connection); each one holds the message
    // in memory, so they stay short. Longer waits need delayed redelivery through a message scheduler.
    private static readonly TimeSpan[] RetryIntervals =
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    /// <summary>
    /// Registers a service's consumers (and consumer definitions, request clients, ...) for the host's bus.
    /// Each service's <c>AddX</c> calls it; the registrations are applied by <see cref="AddMessageBus"/>,
    /// which must come after every <c>AddX</c>.
    /// </summary>
    /// <example><c>builder.AddMessageConsumers(bus => bus.AddConsumer&lt;OutcomeRecordedConsumer, OutcomeRecordedConsumerDefinition&gt;());</c></example>
    /// <exception cref="InvalidOperationException">When <see cref="AddMessageBus"/> was already called.</exception>
    public static IHostApplicationBuilder AddMessageConsumers(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(register);

        var composition = MessageBusComposition.Of(builder);
        var isFirst = !composition.HasRegistrations;
        composition.Add(register);

        if (isFirst)
        {
            // Consumers without a bus would be silently dead: refuse to start instead.
            builder.Services.AddOptions<MessagingOptions>()
                .Validate(
                    _ => composition.IsBusAdded,
                    "Message consumers were registered with AddMessageConsumers, but AddMessageBus was never called: " +
                    "call builder.AddMessageBus() once in Program.cs, after every service's AddX.")
                .ValidateOnStart();
        }

        return builder;
    }

    /// <summary>
    /// Adds the host's MassTransit bus with every registration collected by <see cref="AddMessageConsumers"/>:
    /// kebab-case endpoint names, one receive endpoint per consumer (<c>ConfigureEndpoints</c>), the platform's
    /// retry policy and in-memory outbox on every endpoint, MassTransit's bus health check (tagged
    /// <c>ready</c>), MassTransit's usage telemetry off, and the transport chosen by <see cref="MessagingOptions"/> (section <c>Messaging</c>,
    /// validated at start-up); then <see cref="BusDrains"/>, so that every <see cref="IBusDrain"/> publishes what it holds
    /// before the bus stops. Call it once, after every service's <c>AddX</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">When called twice, or when <c>Messaging:Transport</c> is not a known transport.</exception>
    public static IHostApplicationBuilder AddMessageBus(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Every process with a bus and the platform's security follows the key owner's list of API keys (unless security is off).
        if (builder.Services.Any(service => service.ServiceType == typeof(ApiKeyDirectory))
            && builder.Configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true))
            builder.AddApiKeysSync();

        var composition = MessageBusComposition.Of(builder);
        composition.MarkBusAdded();

        var section = builder.Configuration.GetSection(MessagingOptions.SectionName);
        builder.AddValidatedOptions<MessagingOptions>(MessagingOptions.SectionName);

        // The transport decides which MassTransit method builds the bus, so it is read now; the broker
        // settings are read from the validated options when the bus is created.
        var transport = section.GetValue(nameof(MessagingOptions.Transport), MessagingTransport.InMemory);
        var connectionName = builder.Environment.ApplicationName;

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();

            // MassTransit 8.4+ otherwise posts anonymous usage data to its vendor 5 minutes after start.
            // A platform does not phone home unasked; MASSTRANSIT_USAGE_TELEMETRY=true still turns it on.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);

            // Configured here once for every endpoint; a consumer that needs something else says so in its
            // own ConsumerDefinition (what it adds there applies inside this policy).
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Intervals(RetryIntervals);
                    // Retrying cannot fix an invalid message: to the error queue at once.
                    retry.Ignore<InvalidMessageException>();
                });
                // Messages a consumer publishes go out only once it succeeds, so a retried attempt
                // does not publish twice.
                endpoint.UseInMemoryOutbox(context);
            });

            composition.ApplyTo(bus);

            switch (transport)
            {
                case MessagingTransport.RabbitMq:
                    bus.UsingRabbitMq((context, rabbit) =>
                    {
                        var broker = context.GetRequiredService<IOptions<MessagingOptions>>().Value.RabbitMq;
                        rabbit.Host(broker.Host, (ushort)broker.Port, broker.VirtualHost, connectionName, host =>
                        {
                            host.Username(broker.Username);
                            host.Password(broker.Password);
                        });
                        rabbit.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    bus.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
                    break;
            }
        });

        // After MassTransit's hosted service, so it stops before the bus: what is held for the bus is published first.
        builder.Services.AddHostedService<BusDrains>();
        return builder;
    }
}
