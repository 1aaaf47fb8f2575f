using System.Diagnostics;
using System.Threading.Channels;
using Contracts.Predictions;
using MassTransit;

namespace Inference.Runtime;

/// <summary>
/// Publishes the predictions of HTTP requests (one <see cref="PredictionsMade"/> per request) (the tensor API) in the background,
/// under each request's trace, so that neither the answer nor the client's connection waits for the
/// broker's confirmation. Several batches are in flight at once; when the broker falls far behind, the
/// queue is full and requests wait for room (back-pressure, never dropped events).
/// </summary>
public sealed partial class PredictionPublisher(IBus bus, ILogger<PredictionPublisher> logger) : BackgroundService
{
    private const int Capacity = 10_000;
    private const int InFlight = 32;

    private readonly Channel<(PredictionMade[] Events, Activity? Request)> _pending =
        Channel.CreateBounded<(PredictionMade[], Activity?)>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    /// <summary>Queues a request's events; waits only when the queue is full.</summary>
    public ValueTask EnqueueAsync(PredictionMade[] events, CancellationToken cancellationToken) =>
        _pending.Writer.WriteAsync((events, Activity.Current), cancellationToken);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            _pending.Reader.ReadAllAsync(CancellationToken.None),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (item, _) =>
            {
                Activity.Current = item.Request;
                try
                {
                    await bus.Publish(new PredictionsMade(item.Events), CancellationToken.None);
                }
                catch (Exception exception) when (exception is MassTransitException or InvalidOperationException or TimeoutException)
                {
                    LogPublishFailed(exception, item.Events.Length);
                }
                finally
                {
                    Activity.Current = null;
                }
            });

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Publish what is queued before the bus stops.
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} prediction event(s) could not be published")]
    private partial void LogPublishFailed(Exception exception, int count);
}
