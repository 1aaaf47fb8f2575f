using Contracts.Models;
using Contracts.Rollouts;
using MassTransit;
using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Registry;
using Retrainer.Rollouts;

namespace Retrainer.Consumers;

/// <summary>
/// Answers which model versions take traffic, with their cards, and how each model's traffic is split: the champion,
/// and while a rollout runs (or is paused) its challenger with the rollout's strategy, share and bandit arms.
/// </summary>
public sealed class ServedModelsRequestConsumer(ModelRegistry registry, RolloutManager rollouts, TimeProvider time) : IConsumer<ServedModelsRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ServedModelsRequest> context)
    {
        var champions = await registry.ServedAsync(context.Message.ModelName, context.CancellationToken);
        var active = await rollouts.ActiveAsync(context.CancellationToken);
        var models = new List<ServedModel>(champions);
        var routes = new List<ModelRoute>();
        foreach (var champion in champions)
        {
            var rollout = active.FirstOrDefault(running => running.ModelName == champion.ModelName && running.ChampionVersion == champion.Version);
            if (rollout is not null && await registry.FindAsync(rollout.ModelName, rollout.ChallengerVersion, context.CancellationToken) is { } challenger)
            {
                models.Add(new ServedModel(rollout.ModelName, rollout.ChallengerVersion, ModelCardJson.Serialize(challenger.Card), ModelBundle.Sha256Of(challenger.Onnx)));
                routes.Add(new ModelRoute(champion.ModelName, champion.Version, rollout.RolloutId, rollout.Strategy, rollout.ChallengerVersion, rollout.Share,
                    rollout.Strategy == RolloutStrategies.Bandit ? rollout.Arms : null));
            }
            else
            {
                routes.Add(new ModelRoute(champion.ModelName, champion.Version));
            }
        }

        await context.RespondAsync(new ServedModelsResponse(models, routes, time.GetUtcNow()));
    }
}
