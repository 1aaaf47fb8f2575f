using System.Text.Json;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Scoring;

namespace Inference.Runtime;

/// <summary>A model version held by this replica: its card and its warm ONNX Runtime session.</summary>
/// <param name="Scorer">The loaded session, shared by every concurrent request.</param>
/// <param name="Sha256">The ONNX file's SHA-256, to tell whether the registry's version is the one loaded.</param>
/// <param name="LoadedAt">When this replica loaded it.</param>
public sealed record LoadedModel(OnnxScorer Scorer, string Sha256, DateTimeOffset LoadedAt)
{
    private Featurizer? _featurizer;
    private string? _featureKey;

    /// <summary>The version's card.</summary>
    public ModelCard Card => Scorer.Card;

    /// <summary>The model's name.</summary>
    public string Name => Card.Name;

    /// <summary>The version.</summary>
    public string Version => Card.Version;

    /// <summary>Turns a raw record into this version's features (for records built for another version's features).</summary>
    public Featurizer Featurizer => _featurizer ??= Featurizer.Create(Card);

    /// <summary>
    /// The card's feature spec as text: two versions with the same key take the same feature vectors, so features
    /// built by one version's card can be scored by the other.
    /// </summary>
    public string FeatureKey => _featureKey ??= JsonSerializer.Serialize(Card.Features, ModelCardJson.Options) + "|" + Card.Input.Name;

    /// <summary>The label of a score, or null for regression.</summary>
    public string? LabelOf(ModelScore score) =>
        score.LabelIndex >= 0 && score.LabelIndex < Card.Output.Labels.Count ? Card.Output.Labels[score.LabelIndex] : null;
}
