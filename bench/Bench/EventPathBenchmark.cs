using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bench;

/// <summary>
/// The event path of the distributed mode, as another system uses it: prediction requests published on
/// <c>platform.ingest</c> (plain JSON, routing key <c>prediction.requested</c>) by the external broker user of the run
/// (<c>$DATA_DIR/broker/credentials.env</c>), their predictions read from a queue of the bench's own bound to
/// <c>platform.events</c>. The bench publishes every request as fast as the broker takes them and measures from the first
/// publish to the last prediction: the end-to-end rate, with the CPU time per prediction of every process.
/// </summary>
public static class EventPathBenchmark
{
    private const string IngestExchange = "platform.ingest";
    private const string EventsExchange = "platform.events";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Publishes <paramref name="requests"/> requests for the records of <paramref name="data"/> and waits for every prediction.</summary>
    public static async Task<EventPathResult> RunAsync(DistributedSystemProcess system, BenchData data, int requests, IReadOnlyList<CostSubject> subjects)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(data);
        var credentials = File.ReadAllLines(Path.Combine(system.DataFolder, "broker", "credentials.env"))
            .Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            UserName = credentials["BROKER_EXTERNAL_USER"],
            Password = credentials["BROKER_EXTERNAL_PASSWORD"],
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var receiver = await connection.CreateChannelAsync();
        var queue = (await receiver.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await receiver.QueueBindAsync(queue, EventsExchange, $"prediction.made.{data.Bundle.Card.Name}");
        await receiver.BasicQosAsync(0, 1000, false);

        var tag = Guid.NewGuid().ToString("N")[..8];
        var received = 0;
        var clock = new Stopwatch();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(receiver);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (Encoding.UTF8.GetString(delivery.Body.Span).Contains(tag, StringComparison.Ordinal) && Interlocked.Increment(ref received) == requests)
                done.TrySetResult();
            return Task.CompletedTask;
        };
        await receiver.BasicConsumeAsync(queue, autoAck: true, consumer);

        var bodies = Enumerable.Range(0, data.Records.Length).Select(index => Encoding.UTF8.GetBytes(
            $"{{\"model\":{JsonSerializer.Serialize(data.Bundle.Card.Name)},\"correlationId\":\"{tag}-{index}\",\"record\":{data.Records[index]}}}")).ToArray();
        var properties = new BasicProperties { ContentType = "application/json", Persistent = true };
        var before = await CostReading.TakeAsync(subjects);
        clock.Start();
        // At most 1,000 publishes unconfirmed at once: the broker's confirmations pace the publisher.
        using var window = new SemaphoreSlim(1000);
        var publishes = new List<Task>(requests);
        for (var i = 0; i < requests; i++)
        {
            await window.WaitAsync();
            publishes.Add(PublishAsync(publisher, properties, bodies[i % bodies.Length], window));
        }

        await Task.WhenAll(publishes);
        var published = clock.Elapsed;
        var finished = await Task.WhenAny(done.Task, Task.Delay(Timeout)) == done.Task;
        var elapsed = clock.Elapsed;
        var after = await CostReading.TakeAsync(subjects);
        var answered = Volatile.Read(ref received);
        return new EventPathResult(requests, answered, finished ? elapsed : Timeout, published, HopCost.Between(subjects, before, after, answered, 1));
    }

    private static async Task PublishAsync(IChannel channel, BasicProperties properties, byte[] body, SemaphoreSlim window)
    {
        try
        {
            await channel.BasicPublishAsync(IngestExchange, "prediction.requested", mandatory: true, properties, body);
        }
        finally
        {
            window.Release();
        }
    }
}

/// <summary>One run of the event path.</summary>
/// <param name="Requests">Requests published.</param>
/// <param name="Answered">Predictions received.</param>
/// <param name="Elapsed">From the first publish to the last prediction (the timeout when some never came).</param>
/// <param name="Published">From the first publish to the broker's last confirmation.</param>
/// <param name="Costs">The CPU time per prediction of every process.</param>
public sealed record EventPathResult(int Requests, int Answered, TimeSpan Elapsed, TimeSpan Published, IReadOnlyList<HopCost> Costs)
{
    /// <summary>Predictions per second, end to end.</summary>
    public double PerSecond => Answered / Elapsed.TotalSeconds;
}
