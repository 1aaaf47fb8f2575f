using Contracts.Ingest;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Replay.Broker;

/// <summary>
/// The replay on RabbitMQ with the plain client library, as an outside system talks to the platform: publishes
/// with publisher confirms and the mandatory flag (so a message no queue takes is counted, not lost silently),
/// and consumes from an exclusive, auto-deleted queue of its own bound to <c>platform.events</c>. Every message carries
/// the user it logs in as in <c>user_id</c>, which RabbitMQ checks, so the platform keeps it with the outcomes
/// (docs/security.md#broker-users).
/// </summary>
public sealed class RabbitMqReplayBroker : IReplayBroker
{
    private readonly IConnection _connection;
    private readonly IChannel _publishing;
    private readonly string _userId;
    private IChannel? _listening;

    private RabbitMqReplayBroker(IConnection connection, IChannel publishing, string userId)
    {
        _connection = connection;
        _publishing = publishing;
        _userId = userId;
    }

    /// <summary>Connects to <paramref name="amqp"/> (virtual host in the path) and checks that <c>platform.ingest</c> exists.</summary>
    public static async Task<RabbitMqReplayBroker> ConnectAsync(Uri amqp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(amqp);
        var factory = new ConnectionFactory { Uri = amqp, ClientProvidedName = "replay" };
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException)
        {
            var where = $"{factory.HostName}:{factory.Port}, virtual host '{factory.VirtualHost}', user '{factory.UserName}'";
            throw new InvalidOperationException($"could not connect to RabbitMQ at {where}: {(exception.InnerException ?? exception).Message}", exception);
        }

        try
        {
            // A passive declare closes its channel when the exchange is missing: use a channel of its own.
            await using (var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                try
                {
                    await probe.ExchangeDeclarePassiveAsync(PublicExchanges.Ingest, cancellationToken);
                }
                catch (OperationInterruptedException exception)
                {
                    throw new InvalidOperationException(
                        $"the exchange {PublicExchanges.Ingest} does not exist in virtual host '{factory.VirtualHost}': start the platform " +
                        "(FeatureBuilder declares it) against this broker and virtual host first", exception);
                }
            }

            var publishing = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            return new RabbitMqReplayBroker(connection, publishing, factory.UserName);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // A passive declare closes its channel when the exchange is missing: a channel of its own.
    private async Task<bool> ExchangeExistsAsync(string exchange, CancellationToken cancellationToken)
    {
        await using var probe = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await probe.ExchangeDeclarePassiveAsync(exchange, cancellationToken);
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task ListenAsync(string model, Action<string, ReadOnlyMemory<byte>> received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        // Declared only where it is missing: the external systems' broker user (platform-external) may bind to the
        // exchange but not declare it, and scripts/broker-users.sh declares it beforehand (docs/security.md#broker-users).
        if (!await ExchangeExistsAsync(PublicExchanges.Events, cancellationToken))
        {
            await using var declaring = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await declaring.ExchangeDeclareAsync(PublicExchanges.Events, ExchangeType.Topic, durable: true, cancellationToken: cancellationToken);
        }

        _listening = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = await _listening.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await _listening.QueueBindAsync(queue.QueueName, PublicExchanges.Events, $"prediction.made.{model}", cancellationToken: cancellationToken);
        await _listening.QueueBindAsync(queue.QueueName, PublicExchanges.Events, "alert.#", cancellationToken: cancellationToken);
        await _listening.QueueBindAsync(queue.QueueName, PublicExchanges.Events, $"model.registered.{model}", cancellationToken: cancellationToken);
        await _listening.QueueBindAsync(queue.QueueName, PublicExchanges.Events, $"rollout.*.{model}", cancellationToken: cancellationToken);
        await _listening.BasicQosAsync(0, 1000, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(_listening);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received(delivery.RoutingKey, delivery.Body);
            return Task.CompletedTask;
        };
        await _listening.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> PublishAsync(string routingKey, string contentType, string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            ContentType = contentType,
            MessageId = messageId,
            Persistent = true,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            UserId = _userId,
        };
        try
        {
            await _publishing.BasicPublishAsync(PublicExchanges.Ingest, routingKey, mandatory: true, properties, body, cancellationToken);
            return true;
        }
        catch (PublishReturnException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_listening is not null)
            await _listening.DisposeAsync();
        await _publishing.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
