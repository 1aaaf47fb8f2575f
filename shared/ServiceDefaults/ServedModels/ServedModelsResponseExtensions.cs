using Contracts.Models;

namespace ServiceDefaults.ServedModels;

/// <summary>Reading a <see cref="ServedModelsResponse"/>.</summary>
public static class ServedModelsResponseExtensions
{
    /// <summary>
    /// The champion version of each model (the one its route names; a model without a route has one version):
    /// what answers when no rollout picks another, and the card FeatureBuilder featurizes by.
    /// </summary>
    public static IReadOnlyList<ServedModel> Champions(this ServedModelsResponse served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var champions = served.Routes.ToDictionary(route => route.ModelName, route => route.ChampionVersion, StringComparer.Ordinal);
        return [.. served.Models.Where(model => !champions.TryGetValue(model.ModelName, out var champion) || champion == model.Version)];
    }
}
