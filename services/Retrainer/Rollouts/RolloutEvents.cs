using Contracts.Rollouts;
using MassTransit;

namespace Retrainer.Rollouts;

/// <summary>Where rollout changes are announced (the bus; a recorder in tests).</summary>
public interface IRolloutEvents
{
    /// <summary>A rollout changed.</summary>
    Task ChangedAsync(RolloutChanged changed, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes rollout changes on the bus. A failed publish is logged, not thrown: the change is stored, and every
/// replica asks for the served models and routes again at its next periodic refresh.
/// </summary>
public sealed partial class BusRolloutEvents(IBus bus, ILogger<BusRolloutEvents> logger) : IRolloutEvents
{
    /// <inheritdoc />
    public async Task ChangedAsync(RolloutChanged changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        try
        {
            await bus.Publish(changed, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotAnnounced(exception, changed.ModelName, changed.RolloutId, changed.State);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce rollout {RolloutId} of {Model} ({State}); replicas will find out at their next refresh")]
    private partial void LogNotAnnounced(Exception exception, string model, string rolloutId, string state);
}
