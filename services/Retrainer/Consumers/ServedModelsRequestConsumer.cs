using Contracts.Models;
using Contracts.Rollouts;
using MassTransit;
using Retrainer.Registry;

namespace Retrainer.Consumers;

/// <summary>Answers which model versions serve traffic, with their cards.</summary>
public sealed class ServedModelsRequestConsumer(ModelRegistry registry, TimeProvider time) : IConsumer<ServedModelsRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ServedModelsRequest> context)
    {
        var models = await registry.ServedAsync(context.Message.ModelName, context.CancellationToken);
        var routes = models.Select(model => new ModelRoute(model.ModelName, model.Version)).ToList();
        await context.RespondAsync(new ServedModelsResponse(models, routes, time.GetUtcNow()));
    }
}
