namespace Modeling.Cards;

/// <summary>Statistics of the training data: the reference that live traffic is compared with for drift.</summary>
public sealed record ReferenceStatistics
{
    /// <summary>Number of rows the statistics were computed on.</summary>
    public long Rows { get; init; }

    /// <summary>
    /// What the rows are: <c>training</c> (the trainer's own rows), <c>dataset</c> (a file uploaded with the version, see
    /// <see cref="Dataset"/>) or <c>live</c> (the version's first live predictions). Absent in cards from before it was
    /// recorded, which were all <c>training</c>.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>The uploaded file's name, when <see cref="Source"/> is <c>dataset</c>.</summary>
    public string? Dataset { get; init; }

    /// <summary>Rows of the source that were left out because they could not be featurized (a missing or invalid field).</summary>
    public long? SkippedRows { get; init; }

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

/// <summary>The distribution of the model's output (and of the true labels, when known) on the reference rows.</summary>
public sealed record OutputStatistics
{
    /// <summary>Binary: the positive-class probability (histogram over ten equal bins of [0, 1]).</summary>
    public ColumnStatistics? Probability { get; init; }

    /// <summary>Binary: share of rows predicted positive at the card's threshold.</summary>
    public double? PredictedPositiveRate { get; init; }

    /// <summary>Binary: share of rows whose true label is positive.</summary>
    public double? LabelPositiveRate { get; init; }

    /// <summary>Multiclass: share of rows predicted as each label (every label of the card, 0 when never predicted).</summary>
    public IReadOnlyDictionary<string, double>? PredictedClasses { get; init; }

    /// <summary>Multiclass: share of the labelled rows whose true label is each label.</summary>
    public IReadOnlyDictionary<string, double>? LabelClasses { get; init; }

    /// <summary>Multiclass: the predicted label's probability (histogram over ten equal bins of [0, 1]).</summary>
    public ColumnStatistics? Confidence { get; init; }

    /// <summary>Regression: the predicted value (deciles, as a continuous column).</summary>
    public ColumnStatistics? Value { get; init; }

    /// <summary>Regression: the true value of the labelled rows (deciles).</summary>
    public ColumnStatistics? LabelValue { get; init; }
}

/// <summary>Quality measured on rows the model never saw: the hold-out rows of its training, or a labelled reference dataset.</summary>
public sealed record TrainingMetrics
{
    /// <summary>Binary: metrics on the hold-out rows.</summary>
    public ClassificationMetrics? Holdout { get; init; }

    /// <summary>Multiclass: metrics on the hold-out rows.</summary>
    public MulticlassMetrics? Multiclass { get; init; }

    /// <summary>Regression: metrics on the hold-out rows.</summary>
    public RegressionMetrics? Regression { get; init; }
}

/// <summary>Multiclass classification metrics over a set of rows; the predicted label is the most probable one.</summary>
public sealed record MulticlassMetrics
{
    /// <summary>Rows evaluated.</summary>
    public long Rows { get; init; }

    /// <summary>Share of rows whose predicted label is right.</summary>
    public double Accuracy { get; init; }

    /// <summary>The mean of the labels' F1 scores (labels never true nor predicted left out).</summary>
    public double MacroF1 { get; init; }

    /// <summary>Mean negative natural log of the true label's probability (clipped to [1e-15, 1]).</summary>
    public double LogLoss { get; init; }

    /// <summary>Per label: precision, recall, F1 and how many rows have it as their true label.</summary>
    public IReadOnlyDictionary<string, ClassMetrics> Classes { get; init; } = new Dictionary<string, ClassMetrics>();
}

/// <summary>One label's metrics in a multiclass evaluation; a ratio with nothing to divide by is 0.</summary>
public sealed record ClassMetrics
{
    /// <summary>Of the rows predicted as this label, the share that have it.</summary>
    public double Precision { get; init; }

    /// <summary>Of the rows that have this label, the share predicted as it.</summary>
    public double Recall { get; init; }

    /// <summary>The harmonic mean of precision and recall.</summary>
    public double F1 { get; init; }

    /// <summary>Rows whose true label is this one.</summary>
    public long Support { get; init; }
}

/// <summary>Regression metrics over a set of rows.</summary>
public sealed record RegressionMetrics
{
    /// <summary>Rows evaluated.</summary>
    public long Rows { get; init; }

    /// <summary>Mean absolute error.</summary>
    public double Mae { get; init; }

    /// <summary>Root mean squared error.</summary>
    public double Rmse { get; init; }

    /// <summary>Coefficient of determination: 1 − squared error / squared deviation of the labels from their mean (null when the labels do not vary).</summary>
    public double? RSquared { get; init; }
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

    /// <summary>
    /// The retraining job this version answers: a team whose model has an external trainer names the job that asked
    /// for it, and the Retrainer evaluates the version against the champion and rolls it out when it wins.
    /// </summary>
    public string? RetrainingJob { get; init; }
}
