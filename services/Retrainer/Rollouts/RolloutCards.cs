using System.Collections.Concurrent;
using Modeling.Cards;
using Retrainer.Registry;

namespace Retrainer.Rollouts;

/// <summary>
/// The cards of the versions the outcome consumer judges, read from the registry once per version: a registered
/// version's card does not change, and every outcome needs its labels and threshold.
/// </summary>
public sealed class RolloutCards(ModelRegistry registry)
{
    private readonly ConcurrentDictionary<(string Model, string Version), ModelCard> _cards = new();

    /// <summary>The card of a registered version, or null when the registry has no such version.</summary>
    public async Task<ModelCard?> FindAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (_cards.TryGetValue((model, version), out var known))
            return known;
        var card = (await registry.FindAsync(model, version, cancellationToken))?.Card;
        if (card is not null)
            _cards[(model, version)] = card;
        return card;
    }
}
