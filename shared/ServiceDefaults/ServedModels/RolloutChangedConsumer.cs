using Contracts.Rollouts;
using MassTransit;

namespace ServiceDefaults.ServedModels;

/// <summary>
/// Asks <see cref="ServedModelsSync"/> to fetch the served models and their routes again when a rollout changes
/// (started, stepped, bandit arms updated, promoted, rolled back). Like <see cref="ModelAliasesChangedConsumer"/>,
/// every replica has its own temporary queue for it, so each one hears it.
/// </summary>
public sealed class RolloutChangedConsumer(ServedModelsSync sync) : IConsumer<RolloutChanged>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<RolloutChanged> context)
    {
        sync.RequestRefresh();
        return Task.CompletedTask;
    }
}
