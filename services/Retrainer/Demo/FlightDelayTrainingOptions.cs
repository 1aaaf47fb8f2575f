namespace Retrainer.Demo;

/// <summary>How to train the flight-delay demo model on the flights file. Defaults train the bootstrap model on January 2001.</summary>
public sealed record FlightDelayTrainingOptions
{
    /// <summary>First day of the training window (inclusive).</summary>
    public DateTime WindowStart { get; init; } = new(2001, 1, 1);

    /// <summary>End of the training window (exclusive).</summary>
    public DateTime WindowEnd { get; init; } = new(2001, 2, 1);

    /// <summary>Names the training data in the card's lineage.</summary>
    public string Dataset { get; init; } = Modeling.Flights.DemoData.DatasetName;

    /// <summary>The version written into the card.</summary>
    public string Version { get; init; } = "1";

    /// <summary>What started this training, for lineage.</summary>
    public string Trigger { get; init; } = "manual";

    /// <summary>Share of the window's rows held out for the metrics.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Seed of the hold-out split and the learner.</summary>
    public int Seed { get; init; } = 2001;

    /// <summary>Use at most this many rows of the window (evenly spaced), or all when null.</summary>
    public int? MaximumRows { get; init; }

    /// <summary>An airport enters the vocabulary with at least this many training flights.</summary>
    public int MinimumAirportFlights { get; init; } = 50;

    /// <summary>Boosted trees.</summary>
    public int Trees { get; init; } = 300;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 64;

    /// <summary>Fewest training rows in a leaf.</summary>
    public int MinimumRowsPerLeaf { get; init; } = 100;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.1;
}
