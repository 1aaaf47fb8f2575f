using Contracts.Models;
using MassTransit;

namespace ServiceDefaults.ServedModels;

/// <summary>
/// Asks <see cref="ServedModelsSync"/> to fetch the served models again when an alias of a model changes in the
/// registry: moving <c>champion</c> switches the served version. Like <see cref="ModelRegisteredConsumer"/>, every
/// replica has its own temporary queue for it, so each one hears it.
/// </summary>
public sealed class ModelAliasesChangedConsumer(ServedModelsSync sync) : IConsumer<ModelAliasesChanged>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ModelAliasesChanged> context)
    {
        sync.RequestRefresh();
        return Task.CompletedTask;
    }
}
