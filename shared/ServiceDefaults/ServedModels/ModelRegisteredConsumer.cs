using Contracts.Models;
using MassTransit;

namespace ServiceDefaults.ServedModels;

/// <summary>
/// Asks <see cref="ServedModelsSync"/> to fetch the served models again when the registry announces a new
/// version. Every replica has its own temporary queue for it (an instance endpoint), so each one hears it.
/// </summary>
public sealed class ModelRegisteredConsumer(ServedModelsSync sync) : IConsumer<ModelRegistered>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ModelRegistered> context)
    {
        sync.RequestRefresh();
        return Task.CompletedTask;
    }
}
