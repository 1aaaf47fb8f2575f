using Microsoft.Extensions.Hosting;

namespace ServiceDefaults;

/// <summary>
/// Something that holds messages for the bus in memory (events accepted with a request and published in the
/// background): at shutdown it must publish them while the bus still runs.
/// </summary>
public interface IBusDrain
{
    /// <summary>Takes nothing more and publishes what it holds; completes when it is all published (or logged as lost).</summary>
    Task DrainAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Drains every <see cref="IBusDrain"/> when the host stops, before the bus does. Hosted services stop in the reverse
/// order of their registration, and the server stops before all of them: <see cref="MessageBusExtensions.AddMessageBus"/>
/// registers this right after MassTransit's own, so the order at shutdown is the server (in-flight requests finish),
/// then the drains, then the bus. Without it the bus stopped first and whatever was still held was lost.
/// </summary>
public sealed class BusDrains(IEnumerable<IBusDrain> drains) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.WhenAll(drains.Select(drain => drain.DrainAsync(cancellationToken)));
}
