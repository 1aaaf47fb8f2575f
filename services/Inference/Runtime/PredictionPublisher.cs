using System.Diagnostics;
using System.Threading.Channels;
using Contracts.Predictions;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Batching;

namespace Inference.Runtime;

/// <summary>
/// Publishes the predictions Inference makes (tensor requests over HTTP and gRPC, and FeatureBuilder's score requests) in
/// the background, so that no answer waits for the broker's confirmation. The events of the requests answered within
/// <c>Inference:PredictionEventsLinger</c> of the first go out as one <see cref="PredictionsMade"/> (up to
/// <see cref="MaxEventsPerMessage"/> events): a message costs the broker and each consumer far more than an event in it,
/// so messages grow with the load instead of multiplying, and the wait is no caller's. A message is published in a span
/// of its own, the child of its first request's and linked to the others' (each event also keeps its request's trace id). A few publishes are in flight at once;
/// when the broker falls far behind, the queue is full and requests wait for room (back-pressure, never dropped events).
/// Like MassTransit's in-memory outbox before it, the queue is in memory: a replica that crashes loses the events of the
/// last linger.
/// </summary>
public sealed partial class PredictionPublisher(IBus bus, IOptions<InferenceOptions> options, TimeProvider time, ILogger<PredictionPublisher> logger) : IHostedService, IBusDrain
{
    /// <summary>The most events one message carries.</summary>
    public const int MaxEventsPerMessage = 1000;

    private const int Capacity = 10_000;
    private const int InFlight = 4;

    // Each request's events with its span's context (the span itself has ended by the time the events are published).
    private readonly Channel<(PredictionMade[] Events, ActivityContext Request)> _pending =
        Channel.CreateBounded<(PredictionMade[], ActivityContext)>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    private Task _publishing = Task.CompletedTask;

    /// <summary>Queues a request's events; waits only when the queue is full.</summary>
    public ValueTask EnqueueAsync(PredictionMade[] events, CancellationToken cancellationToken) =>
        _pending.Writer.WriteAsync((events, Activity.Current?.Context ?? default), cancellationToken);

    /// <summary>Starts publishing what is queued; it goes on until <see cref="StopAsync"/>, which nothing cancels.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _publishing = Task.Run(PublishAllAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Takes no more events and returns once what was queued has been published (or the host stops waiting).</summary>
    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <summary>
    /// Takes no more events and publishes those waiting. <see cref="BusDrains"/> calls it at shutdown before the bus stops
    /// (this service's own stop comes after the bus's, and then finds nothing left).
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await _publishing.WaitAsync(cancellationToken);
    }

    private Task PublishAllAsync() =>
        Parallel.ForEachAsync(
            MessagesAsync(),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (message, _) =>
            {
                // The message's span: the child of its first request's and linked to the others', so every request's trace
                // goes on to the consumers of its predictions.
                var links = message.Requests.Skip(1).Where(request => request != default).Distinct().Select(request => new ActivityLink(request)).ToList();
                using var activity = BatchingTelemetry.Source.StartActivity("publish predictions", ActivityKind.Internal, message.Requests[0], links: links);
                activity?.SetTag("messaging.batch.message_count", message.Events.Count);
                try
                {
                    await bus.Publish(new PredictionsMade(message.Events), CancellationToken.None);
                }
#pragma warning disable CA1031 // Any failure of one message is logged: an exception let through would end the loop, and every later event would be lost unseen.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogPublishFailed(exception, message.Events.Count);
                }
            });

    // Each message takes the first request's events, waits the linger (unless the message is full already), then takes
    // whole requests while they fit. (A request with more events than a message carries goes alone.)
    private async IAsyncEnumerable<(List<PredictionMade> Events, List<ActivityContext> Requests)> MessagesAsync()
    {
        var reader = _pending.Reader;
        var linger = options.Value.PredictionEventsLinger;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            if (!reader.TryRead(out var first))
                continue;
            if (linger > TimeSpan.Zero && first.Events.Length < MaxEventsPerMessage)
                await Task.Delay(linger, time);
            var events = new List<PredictionMade>(first.Events);
            var requests = new List<ActivityContext> { first.Request };
            while (events.Count < MaxEventsPerMessage && reader.TryPeek(out var next) && events.Count + next.Events.Length <= MaxEventsPerMessage)
            {
                reader.TryRead(out next);
                events.AddRange(next.Events);
                requests.Add(next.Request);
            }

            yield return (events, requests);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} prediction event(s) could not be published")]
    private partial void LogPublishFailed(Exception exception, int count);
}
