namespace Retrainer.Training;

/// <summary>Which rows of a data file <see cref="CardFileTraining"/> trains on, and how.</summary>
public sealed record CardFileTrainingOptions
{
    /// <summary>The version written into the card.</summary>
    public required string Version { get; init; }

    /// <summary>The field holding each row's time, for the window. Default <c>date</c>.</summary>
    public string TimeField { get; init; } = "date";

    /// <summary>The first time trained on (inclusive); null: from the first row.</summary>
    public DateTime? From { get; init; }

    /// <summary>The end of the window (exclusive); null: to the last row.</summary>
    public DateTime? To { get; init; }

    /// <summary>The share of the window's rows held out for the card's metrics.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Boosted trees (per label for multiclass).</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 16;

    /// <summary>Fewest training rows in a leaf: small data needs a small one.</summary>
    public int MinimumRowsPerLeaf { get; init; } = 10;

    /// <summary>The seed of the hold-out split and of the learner.</summary>
    public int Seed { get; init; } = 2001;
}
