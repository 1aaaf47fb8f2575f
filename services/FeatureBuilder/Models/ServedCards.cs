using System.Collections.Frozen;
using Contracts.Models;
using Modeling.Cards;
using Modeling.Features;
using ServiceDefaults.ServedModels;

namespace FeatureBuilder.Models;

/// <summary>
/// The model cards of the served versions, with their featurizers, following the registry
/// (<see cref="IServedModelsSink"/>). A card that does not validate is skipped and logged.
/// </summary>
public sealed partial class ServedCards(ILogger<ServedCards> logger) : IServedModelsSink
{
    private volatile FrozenDictionary<string, ServedCard> _cards = FrozenDictionary<string, ServedCard>.Empty;
    private volatile bool _hasSynced;

    /// <summary>Whether the registry's list has arrived at least once.</summary>
    public bool HasSynced => _hasSynced;

    /// <summary>The served models, by name.</summary>
    public IReadOnlyCollection<ServedCard> All => _cards.Values;

    /// <summary>The served version of <paramref name="modelName"/>, if any.</summary>
    public ServedCard? Find(string modelName) => _cards.GetValueOrDefault(modelName);

    /// <inheritdoc />
    public Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        var current = _cards;
        var next = new Dictionary<string, ServedCard>(StringComparer.Ordinal);
        foreach (var model in served.Champions())
        {
            if (current.TryGetValue(model.ModelName, out var known) && known.Card.Version == model.Version)
            {
                next[model.ModelName] = known;
                continue;
            }

            var read = ModelCardReader.Read(model.CardJson);
            if (read.Card is { } card)
                next[model.ModelName] = new ServedCard(card, Featurizer.Create(card), model.CardJson);
            else
                LogInvalidCard(model.ModelName, model.Version, string.Join("; ", read.Errors));
        }

        _cards = next.ToFrozenDictionary(StringComparer.Ordinal);
        _hasSynced = true;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} version {Version} has an invalid card and is not served: {Errors}")]
    private partial void LogInvalidCard(string name, string version, string errors);
}
