using Contracts.Models;
using MassTransit;

namespace Retrainer.Registry;

/// <summary>Where the registry announces its changes (the bus; a recorder in tests).</summary>
public interface IRegistryEvents
{
    /// <summary>A version was added.</summary>
    Task RegisteredAsync(ModelRegistered registered, CancellationToken cancellationToken);

    /// <summary>An alias was set, moved or removed.</summary>
    Task AliasesChangedAsync(ModelAliasesChanged changed, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes the registry's changes on the bus. A failed publish is logged, not thrown: the change is stored, and
/// every service asks for the served models again at its next periodic refresh.
/// </summary>
public sealed partial class BusRegistryEvents(IBus bus, ILogger<BusRegistryEvents> logger) : IRegistryEvents
{
    /// <inheritdoc />
    public Task RegisteredAsync(ModelRegistered registered, CancellationToken cancellationToken) =>
        PublishAsync(registered, $"{registered.ModelName} version {registered.Version} registered", cancellationToken);

    /// <inheritdoc />
    public Task AliasesChangedAsync(ModelAliasesChanged changed, CancellationToken cancellationToken) =>
        PublishAsync(changed, $"{changed.ModelName} alias {changed.Alias} changed", cancellationToken);

    private async Task PublishAsync<T>(T message, string what, CancellationToken cancellationToken) where T : class
    {
        try
        {
            await bus.Publish(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotAnnounced(exception, what);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce that {What}; services will find out at their next refresh")]
    private partial void LogNotAnnounced(Exception exception, string what);
}
