namespace Modeling.Cards;

/// <summary>Statistics of the training data: the reference that live traffic is compared with for drift.</summary>
public sealed record ReferenceStatistics
{
    /// <summary>Number of training rows the statistics were computed on.</summary>
    public long Rows { get; init; }

    /// <summary>One entry per tensor column, in column order.</summary>
    public IReadOnlyList<ColumnStatistics> Columns { get; init; } = [];

    /// <summary>The distribution of the model's output on the training rows.</summary>
    public OutputStatistics? Output { get; init; }
}

/// <summary>
/// The distribution of one tensor column. Continuous columns carry moments, deciles and a histogram whose
/// bins are the training deciles (so drift bins hold equal reference mass); categorical columns (category
/// indexes, timestamp parts) carry the share of each value.
/// </summary>
public sealed record ColumnStatistics
{
    /// <summary>The tensor column name.</summary>
    public string Column { get; init; } = "";

    /// <summary>Continuous or categorical.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Rows counted.</summary>
    public long Count { get; init; }

    /// <summary>Continuous: mean.</summary>
    public double? Mean { get; init; }

    /// <summary>Continuous: standard deviation (population).</summary>
    public double? StandardDeviation { get; init; }

    /// <summary>Continuous: quantiles at 0, 0.1, …, 1 (11 values, minimum to maximum).</summary>
    public IReadOnlyList<double>? Quantiles { get; init; }

    /// <summary>Continuous: counts between distinct quantile edges.</summary>
    public Histogram? Histogram { get; init; }

    /// <summary>Categorical: share of rows per category name (vocabulary value, <c>&lt;unknown&gt;</c>, or part value).</summary>
    public IReadOnlyDictionary<string, double>? Frequencies { get; init; }
}

/// <summary>Whether a column is compared as a distribution of numbers or of categories.</summary>
public enum ColumnKind
{
    /// <summary>Numbers: quantile bins, Kolmogorov–Smirnov.</summary>
    Continuous,

    /// <summary>Categories: frequencies, chi-square.</summary>
    Categorical,
}

/// <summary>
/// Counts in bins: bin i holds values in [Edges[i], Edges[i+1]), the last bin also its upper edge; live
/// values below the first edge or above the last are counted in the first or last bin.
/// </summary>
public sealed record Histogram
{
    /// <summary>Bin edges, strictly increasing; one more than <see cref="Counts"/>.</summary>
    public IReadOnlyList<double> Edges { get; init; } = [];

    /// <summary>Rows per bin.</summary>
    public IReadOnlyList<long> Counts { get; init; } = [];
}

/// <summary>The distribution of the model's output on the training rows.</summary>
public sealed record OutputStatistics
{
    /// <summary>Binary: the positive-class probability (histogram over ten equal bins of [0, 1]).</summary>
    public ColumnStatistics? Probability { get; init; }

    /// <summary>Binary: share of rows predicted positive at the card's threshold.</summary>
    public double? PredictedPositiveRate { get; init; }

    /// <summary>Binary: share of rows whose true label is positive.</summary>
    public double? LabelPositiveRate { get; init; }
}

/// <summary>Quality measured at training time.</summary>
public sealed record TrainingMetrics
{
    /// <summary>Metrics on the hold-out rows of the training window, which the model never saw.</summary>
    public ClassificationMetrics? Holdout { get; init; }
}

/// <summary>Binary classification metrics over a set of rows.</summary>
public sealed record ClassificationMetrics
{
    /// <summary>Rows evaluated.</summary>
    public long Rows { get; init; }

    /// <summary>Area under the ROC curve.</summary>
    public double Auc { get; init; }

    /// <summary>Mean negative natural log-likelihood of the true label (probabilities clipped to [1e-15, 1 − 1e-15]).</summary>
    public double LogLoss { get; init; }

    /// <summary>Mean squared difference between probability and label.</summary>
    public double Brier { get; init; }

    /// <summary>Share of rows whose predicted label (at the threshold) is right.</summary>
    public double Accuracy { get; init; }

    /// <summary>Share of rows whose true label is positive.</summary>
    public double PositiveRate { get; init; }
}

/// <summary>Where a model version came from.</summary>
public sealed record Lineage
{
    /// <summary>The data set, e.g. <c>vega-datasets@3.2.1/data/flights-3m.parquet</c>.</summary>
    public string? Dataset { get; init; }

    /// <summary>Start of the training window (inclusive).</summary>
    public DateTime? WindowStart { get; init; }

    /// <summary>End of the training window (exclusive).</summary>
    public DateTime? WindowEnd { get; init; }

    /// <summary>Rows used to fit the model.</summary>
    public long? TrainingRows { get; init; }

    /// <summary>Rows held out for the metrics.</summary>
    public long? HoldoutRows { get; init; }

    /// <summary>What started the training: <c>bootstrap</c>, <c>manual</c>, <c>drift</c>, <c>schedule</c>, <c>external</c>.</summary>
    public string? Trigger { get; init; }

    /// <summary>The version this one was trained to replace, if any.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>The learner and its library, e.g. <c>ML.NET 5.0.1 FastTree</c>.</summary>
    public string? Trainer { get; init; }

    /// <summary>The learner's settings.</summary>
    public IReadOnlyDictionary<string, string>? Hyperparameters { get; init; }

    /// <summary>When training finished.</summary>
    public DateTimeOffset? TrainedAt { get; init; }
}
