using System.Diagnostics;
using Integration.Tests.Ingest;
using RabbitMQ.Client;
using Replay.Messages;

namespace Integration.Tests.AutomaticLoop;

/// <summary>
/// A queue of the test's own on <c>platform.events</c>, as an outside system binds one. Bound before anything happens,
/// it holds every matching event however late it is published, unlike the replay's listener, which stops when its
/// drain ends. Events are read with the replay tool's parser.
/// </summary>
public sealed class PlatformEventsListener : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly IngestClient _client;
    private readonly string _queue;
    private readonly List<PlatformEvent> _received = [];

    private PlatformEventsListener(IngestClient client, string queue)
    {
        _client = client;
        _queue = queue;
    }

    /// <summary>Everything taken from the queue so far, in order.</summary>
    public IReadOnlyList<PlatformEvent> Received => _received;

    /// <summary>Binds an exclusive queue to <c>platform.events</c> with each of <paramref name="routingKeys"/> (topic patterns).</summary>
    public static async Task<PlatformEventsListener> BindAsync(string virtualHost, params string[] routingKeys)
    {
        var client = await IngestClient.ConnectAsync(virtualHost);
        await client.Channel.ExchangeDeclareAsync(IngestClient.EventsExchange, ExchangeType.Topic, durable: true);
        var queue = await client.Channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        foreach (var routingKey in routingKeys)
            await client.Channel.QueueBindAsync(queue.QueueName, IngestClient.EventsExchange, routingKey);
        return new PlatformEventsListener(client, queue.QueueName);
    }

    /// <summary>The first event, received before or within <paramref name="timeout"/>, that matches; null when none came.</summary>
    public async Task<TEvent?> WaitForAsync<TEvent>(Func<TEvent, bool> matches, TimeSpan timeout)
        where TEvent : PlatformEvent
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_received.OfType<TEvent>().FirstOrDefault(matches) is { } found)
                return found;
            if (clock.Elapsed >= timeout)
                return null;
            if (await _client.Channel.BasicGetAsync(_queue, autoAck: true) is { } message)
                _received.Add(PlatformEventParser.Parse(message.RoutingKey, message.Body));
            else
                await Task.Delay(PollInterval);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
