using Modeling.Cards;
using Retrainer.Training;

namespace Retrainer.Retraining;

/// <summary>
/// What one model adds to its retraining beyond its card, registered by whoever knows the model (the flights demo
/// registers one for its model). A model without one is retrained with its champion's features, on kept rows only.
/// </summary>
public interface IRetrainingCustomization
{
    /// <summary>The model it applies to.</summary>
    string Model { get; }

    /// <summary>
    /// The challenger's features, from the champion's card and the training examples, with the settings that chose them
    /// (for the challenger's lineage). They must produce the champion's input columns: a vocabulary of an index-encoded
    /// feature may be refreshed, a one-hot one may not.
    /// </summary>
    ChallengerFeatures Features(ModelCard champion, IReadOnlyList<TrainingExample> training);

    /// <summary>
    /// <c>recent-plus-earlier</c>: the examples of the data window a version's <paramref name="lineage"/> names (the data
    /// that version was trained on), at most <paramref name="maxRows"/>, evenly spread; null when it cannot read that
    /// data (another dataset, the file not here, or turned off).
    /// </summary>
    Task<IReadOnlyList<TrainingExample>?> ReadDatasetAsync(Lineage lineage, int maxRows, CancellationToken cancellationToken);
}

/// <summary>A challenger's features and the settings that chose them.</summary>
/// <param name="Features">The feature spec, in the champion's column order.</param>
/// <param name="Hyperparameters">For the challenger's lineage (e.g. <c>minimumAirportFlights</c>).</param>
public sealed record ChallengerFeatures(IReadOnlyList<FeatureSpec> Features, IReadOnlyDictionary<string, string> Hyperparameters);
