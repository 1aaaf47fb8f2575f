namespace Retrainer.Training;

/// <summary>How <see cref="CardTrainer"/> trains one version: the version, its lineage and FastTree's settings.</summary>
public sealed record CardTrainingOptions
{
    /// <summary>The version written into the card.</summary>
    public required string Version { get; init; }

    /// <summary>What started this training, for lineage.</summary>
    public string Trigger { get; init; } = "manual";

    /// <summary>The version this one is meant to replace, for lineage.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>Names the training data in the card's lineage: a data file, or the Retrainer's labelled rows.</summary>
    public required string Dataset { get; init; }

    /// <summary>Start of the data's window, for lineage.</summary>
    public DateTime? WindowStart { get; init; }

    /// <summary>End of the data's window, for lineage.</summary>
    public DateTime? WindowEnd { get; init; }

    /// <summary>The share of the data held out for the card's metrics, for lineage.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Boosted trees (per label for multiclass).</summary>
    public int Trees { get; init; } = 300;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 64;

    /// <summary>Fewest training rows in a leaf.</summary>
    public int MinimumRowsPerLeaf { get; init; } = 100;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>The learner's seed.</summary>
    public int Seed { get; init; } = 2001;

    /// <summary>
    /// More settings that shaped the version, written after FastTree's into the lineage's hyperparameters (e.g. the
    /// flights demo's <c>minimumAirportFlights</c>, which chose its airport vocabularies).
    /// </summary>
    public IReadOnlyDictionary<string, string> MoreHyperparameters { get; init; } = new Dictionary<string, string>();
}
