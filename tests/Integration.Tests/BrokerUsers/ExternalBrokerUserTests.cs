using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Integration.Tests.BrokerUsers;

/// <summary>
/// The broker users of scripts/broker-users.sh on the real broker (docs/security.md#broker-users): the user of systems
/// outside the platform publishes prediction requests and outcomes to <c>platform.ingest</c> and reads its own queues
/// bound to <c>platform.events</c>, and nothing else: not the services' exchanges or queues, not other routing keys,
/// not another user's name in <c>user_id</c>. The services' users leave the external systems' queues alone. The
/// platform's own topology is declared here as the services declare it (no service runs), so each test takes seconds.
/// </summary>
public sealed class ExternalBrokerUserTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    private const string Ingest = "platform.ingest";
    private const string Events = "platform.events";
    // What MassTransit declares for FeedbackCollector's OutcomeRecorded and the Retrainer's endpoint of it, and the
    // ingest queue FeedbackCollector binds to platform.ingest.
    private const string ServiceExchange = "Contracts.Outcomes:OutcomeRecorded";
    private const string ServiceQueue = "retrainer-outcome-recorded";
    private const string IngestQueue = "feedback-collector-ingest-outcomes";
    private const ushort AccessRefused = 403;
    private const ushort PreconditionFailed = 406;

    [Fact]
    public async Task The_external_user_publishes_requests_and_outcomes_to_platform_ingest_and_reads_its_own_queues_bound_to_platform_events()
    {
        await using var vhost = await broker.CreateVirtualHostAsync("broker-users");
        await using var users = await BrokerUserAccounts.CreateAsync(broker, vhost.Name);
        await using var admin = await AdminAsync(vhost.Name);
        await using var platform = await admin.CreateChannelAsync();
        await platform.QueueDeclareAsync("probe-ingest", durable: false, exclusive: false, autoDelete: false);
        await platform.QueueBindAsync("probe-ingest", Ingest, "#");
        await using var external = await users.ConnectAsync("external");
        await using var channel = await ConfirmedChannelAsync(external);

        // The exchanges exist before any service starts (the script declares them): a passive declaration finds them.
        await channel.ExchangeDeclarePassiveAsync(Ingest);
        await channel.ExchangeDeclarePassiveAsync(Events);
        await PublishAsync(channel, Ingest, "prediction.requested", """{"model":"m","record":{}}""");
        await PublishAsync(channel, Ingest, "outcome.observed", """{"predictionId":"p","value":1}""", userId: users.External);
        // Its own queues: named external.* or by the server, bound to platform.events.
        await channel.QueueDeclareAsync("external.test.results", durable: false, exclusive: false, autoDelete: true);
        await channel.QueueBindAsync("external.test.results", Events, "prediction.made.#");
        var serverNamed = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(serverNamed, Events, "alert.#");
        await platform.BasicPublishAsync(Events, "prediction.made.m", Encoding.UTF8.GetBytes("""{"model":"m"}"""));
        await platform.BasicPublishAsync(Events, "alert.drift.m", Encoding.UTF8.GetBytes("""{"kind":"drift"}"""));

        var request = await GetAsync(platform, "probe-ingest");
        var outcome = await GetAsync(platform, "probe-ingest");
        Assert.Equal(("prediction.requested", "outcome.observed"), (request.RoutingKey, outcome.RoutingKey));
        // RabbitMQ let the user_id through because it is the publisher's own name: the platform records it.
        Assert.Equal(users.External, outcome.BasicProperties.UserId);
        Assert.Equal("prediction.made.m", (await GetAsync(channel, "external.test.results")).RoutingKey);
        Assert.Equal("alert.drift.m", (await GetAsync(channel, serverNamed)).RoutingKey);
    }

    [Fact]
    public async Task The_external_user_cannot_publish_to_the_services_exchanges_or_other_routing_keys_nor_read_their_queues_nor_claim_another_user()
    {
        await using var vhost = await broker.CreateVirtualHostAsync("broker-users");
        await using var users = await BrokerUserAccounts.CreateAsync(broker, vhost.Name);
        await using var admin = await AdminAsync(vhost.Name);
        await using (var platform = await admin.CreateChannelAsync())
        {
            await platform.ExchangeDeclareAsync(ServiceExchange, ExchangeType.Fanout, durable: true);
            await platform.QueueDeclareAsync(ServiceQueue, durable: true, exclusive: false, autoDelete: false);
            await platform.QueueBindAsync(ServiceQueue, ServiceExchange, "");
            await platform.QueueDeclareAsync(IngestQueue, durable: true, exclusive: false, autoDelete: false);
            await platform.QueueBindAsync(IngestQueue, Ingest, "outcome.observed");
            await platform.BasicPublishAsync(Ingest, "outcome.observed", Encoding.UTF8.GetBytes("""{"value":1}"""));
        }

        await using var external = await users.ConnectAsync("external");

        // Writing where only the services write.
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => PublishAsync(channel, ServiceExchange, "", "{}")));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => PublishAsync(channel, "", ServiceQueue, "{}")));
        // Other routing keys on platform.ingest (its topic permission).
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => PublishAsync(channel, Ingest, "prediction.made.m", "{}")));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => PublishAsync(channel, Ingest, "outcome.observed.extra", "{}")));
        // Reading the services' queues, or their events by a queue of its own.
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.BasicGetAsync(IngestQueue, autoAck: true)));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.BasicGetAsync(ServiceQueue, autoAck: true)));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.QueuePurgeAsync(IngestQueue)));
        Assert.Equal(AccessRefused, await RefusedAsync(external, async channel =>
        {
            await channel.QueueDeclareAsync("external.spy", durable: false, exclusive: true, autoDelete: true);
            await channel.QueueBindAsync("external.spy", ServiceExchange, "");
        }));
        // Changing the platform's topology.
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.ExchangeDeleteAsync(Ingest)));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.ExchangeDeclareAsync(Events, ExchangeType.Topic, durable: true)));
        Assert.Equal(AccessRefused, await RefusedAsync(external, channel => channel.QueueDeleteAsync(IngestQueue)));
        // Speaking for someone else: RabbitMQ validates user_id against the connection's user.
        Assert.Equal(PreconditionFailed, await RefusedAsync(external, channel =>
            PublishAsync(channel, Ingest, "outcome.observed", """{"value":2}""", userId: users.UserOf("feedbackcollector"))));

        await using var check = await admin.CreateChannelAsync();
        Assert.Equal(1u, await check.MessageCountAsync(IngestQueue));
        Assert.Equal(0u, await check.MessageCountAsync(ServiceQueue));
    }

    [Fact]
    public async Task A_service_user_cannot_read_or_delete_the_external_systems_queues()
    {
        await using var vhost = await broker.CreateVirtualHostAsync("broker-users");
        await using var users = await BrokerUserAccounts.CreateAsync(broker, vhost.Name);
        await using var external = await users.ConnectAsync("external");
        await using var own = await external.CreateChannelAsync();
        await own.QueueDeclareAsync("external.test.results", durable: true, exclusive: false, autoDelete: false);
        await own.QueueBindAsync("external.test.results", Events, "#");
        await using var service = await users.ConnectAsync("feedbackcollector");

        Assert.Equal(AccessRefused, await RefusedAsync(service, channel => channel.BasicGetAsync("external.test.results", autoAck: true)));
        Assert.Equal(AccessRefused, await RefusedAsync(service, channel => channel.QueueDeleteAsync("external.test.results")));
        // What a service does need: its exchanges and queues, and sending to platform.events.
        await using var allowed = await ConfirmedChannelAsync(service);
        await allowed.ExchangeDeclareAsync(ServiceExchange, ExchangeType.Fanout, durable: true);
        await allowed.QueueDeclareAsync(ServiceQueue, durable: true, exclusive: false, autoDelete: false);
        await allowed.QueueBindAsync(ServiceQueue, ServiceExchange, "");
        await PublishAsync(allowed, Events, "prediction.made.m", "{}");
        Assert.Equal("prediction.made.m", (await GetAsync(own, "external.test.results")).RoutingKey);
    }

    private static Task<IConnection> AdminAsync(string virtualHost) => new ConnectionFactory
    {
        HostName = RabbitMqFixture.Host,
        Port = RabbitMqFixture.AmqpPort,
        VirtualHost = virtualHost,
        UserName = RabbitMqFixture.Username,
        Password = RabbitMqFixture.Password,
    }.CreateConnectionAsync();

    // Publishes wait for the broker's confirmation, so a refused one fails there and not at some later call.
    private static Task<IChannel> ConfirmedChannelAsync(IConnection connection) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    private static async Task PublishAsync(IChannel channel, string exchange, string routingKey, string body, string? userId = null) =>
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false,
            new BasicProperties { ContentType = "application/json", UserId = userId }, Encoding.UTF8.GetBytes(body));

    private static async Task<BasicGetResult> GetAsync(IChannel channel, string queue)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                return message;
            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Nothing arrived on {queue} within 5 s.");
    }

    /// <summary>The reply code the broker closed a fresh channel with while <paramref name="action"/> ran on it.</summary>
    private static async Task<ushort> RefusedAsync(IConnection connection, Func<IChannel, Task> action)
    {
        await using var channel = await ConfirmedChannelAsync(connection);
        try
        {
            await action(channel);
            // Nothing refused so far: one more round trip, so a closing channel is seen before the verdict.
            await channel.BasicQosAsync(0, 1, global: false);
        }
        catch (Exception exception) when (exception is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
        }

        for (var attempt = 0; attempt < 100 && channel.CloseReason is null; attempt++)
            await Task.Delay(50);
        Assert.True(channel.CloseReason is not null, "The broker allowed it: the channel is still open.");
        return channel.CloseReason.ReplyCode;
    }
}
