using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;

namespace Integration.Tests.Ingest;

/// <summary>
/// What another system does with a plain AMQP client: publish prediction requests to <c>platform.ingest</c>
/// and read the predictions from a queue of its own bound to <c>platform.events</c>.
/// </summary>
public sealed class IngestClient(IConnection connection, IChannel channel) : IAsyncDisposable
{
    public const string IngestExchange = "platform.ingest";
    public const string EventsExchange = "platform.events";

    public IChannel Channel { get; } = channel;

    /// <summary>A connection to the local broker's <paramref name="virtualHost"/>.</summary>
    public static async Task<IngestClient> ConnectAsync(string virtualHost)
    {
        var factory = new ConnectionFactory
        {
            HostName = RabbitMqFixture.Host,
            Port = RabbitMqFixture.AmqpPort,
            VirtualHost = virtualHost,
            UserName = RabbitMqFixture.Username,
            Password = RabbitMqFixture.Password,
        };
        var connection = await factory.CreateConnectionAsync();
        return new IngestClient(connection, await connection.CreateChannelAsync());
    }

    /// <summary>A queue of the caller's own on <c>platform.events</c> for the test model's predictions, as any subscriber would bind one.</summary>
    public static async Task<string> BindResultQueueAsync(IChannel channel)
    {
        await channel.ExchangeDeclareAsync(EventsExchange, ExchangeType.Topic, durable: true);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, EventsExchange, $"prediction.made.{Online.TestModel.Name}");
        return queue.QueueName;
    }

    /// <summary>Publishes <paramref name="message"/> as JSON with routing key <c>prediction.requested</c>.</summary>
    public static Task PublishAsync(IChannel channel, string contentType, object message) =>
        PublishRawAsync(channel, contentType, JsonSerializer.SerializeToUtf8Bytes(message));

    /// <summary>Publishes a body as it is with routing key <c>prediction.requested</c>.</summary>
    public static async Task PublishRawAsync(IChannel channel, string contentType, byte[] body) =>
        await channel.BasicPublishAsync(IngestExchange, "prediction.requested", mandatory: true, new BasicProperties { ContentType = contentType, Persistent = true }, body);

    /// <summary>The prediction carrying <paramref name="correlationId"/> (plain or CloudEvent), or null when none came in time.</summary>
    public static async Task<(JsonElement Body, IReadOnlyBasicProperties Properties)?> ReceiveAsync(IChannel channel, string queue, string correlationId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var body = JsonDocument.Parse(message.Body.ToArray()).RootElement;
                var answered = body.TryGetProperty("correlationid", out var cloudEventCorrelation) ? cloudEventCorrelation : body.GetProperty("correlationId");
                if (answered.GetString() == correlationId)
                    return (body.Clone(), message.BasicProperties);
                continue;
            }

            await Task.Delay(50);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
