using Contracts.Models;
using Contracts.Rollouts;
using MassTransit;
using ServiceDefaults;

namespace Retrainer.Consumers;

/// <summary>
/// Tells systems outside the platform what the model lifecycle did, as plain JSON on <c>platform.events</c>
/// (docs/events.md): <c>model.registered.&lt;model&gt;</c> for every new version (its trigger says whether retraining
/// made it) and <c>rollout.&lt;state&gt;.&lt;model&gt;</c> for every rollout change (<c>running</c>, <c>paused</c>,
/// <c>promoted</c>, <c>rolled-back</c>). The bodies are the contract records in camelCase. An operator's tooling, or
/// the replay tool, follows the automatic loop this way without calling the API.
/// </summary>
public sealed class PublicLoopEventsConsumer : IConsumer<ModelRegistered>, IConsumer<RolloutChanged>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ModelRegistered> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PublicEvents.SendJsonAsync(context, context.Message, $"model.registered.{context.Message.ModelName}", context.CancellationToken);
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<RolloutChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var change = context.Message;
        return PublicEvents.SendJsonAsync(context, change, $"rollout.{change.State}.{change.ModelName}", context.CancellationToken);
    }
}
