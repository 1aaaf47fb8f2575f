using Modeling.Cards;
using Modeling.Features;

namespace FeatureBuilder.Models;

/// <summary>A served model version as FeatureBuilder needs it: its card and the featurizer built from it.</summary>
/// <param name="Card">The version's validated card.</param>
/// <param name="Featurizer">Turns raw records into the version's input tensor.</param>
/// <param name="CardJson">The card as the registry sent it (a batch keeps it, to be featurized by this version even after a switch).</param>
public sealed record ServedCard(ModelCard Card, Featurizer Featurizer, string CardJson);
