using System.Globalization;
using Modeling.Cards;
using Modeling.Scoring;

namespace Modeling.Statistics;

/// <summary>
/// Accumulates feature vectors and model outputs (with the true labels, when known) of reference rows and computes the
/// card's reference statistics: deciles and decile-bin histograms for continuous columns, shares for categorical ones
/// (category indexes and timestamp parts), the output's distribution for the model's task, and the metrics on the
/// labelled rows (<see cref="Metrics"/>).
/// </summary>
public sealed class ReferenceStatisticsBuilder
{
    private const int QuantileSteps = 10;
    private static readonly double[] UnitEdges = [.. Enumerable.Range(0, 11).Select(step => step / 10.0)];
    private readonly IReadOnlyList<ReferenceColumn> _columns;
    private readonly List<float>[] _continuous;
    private readonly Dictionary<float, long>[] _categorical;
    private readonly ModelTask _task;
    private readonly IReadOnlyList<string> _labels;
    private readonly double _threshold;
    private readonly List<float> _outputs = [];
    private readonly List<float> _labelledProbabilities = [];
    private readonly List<bool> _binaryLabels = [];
    private readonly List<float> _labelValues = [];
    private readonly long[] _predictedClasses;
    private readonly MulticlassConfusion? _confusion;
    private readonly RegressionErrors _errors = new();
    private long _rows;
    private long _predictedPositive;

    /// <summary>Plans one statistic per tensor column of the card's features, and the output's for its task.</summary>
    public ReferenceStatisticsBuilder(ModelCard card)
        : this((card ?? throw new ArgumentNullException(nameof(card))).Features, card.Task, card.Output.Labels, card.Output.Threshold)
    {
    }

    /// <summary>Plans one statistic per tensor column of <paramref name="features"/>, for a binary model by default.</summary>
    public ReferenceStatisticsBuilder(IReadOnlyList<FeatureSpec> features, double threshold = 0.5)
        : this(features, ModelTask.Binary, [], threshold)
    {
    }

    private ReferenceStatisticsBuilder(IReadOnlyList<FeatureSpec> features, ModelTask task, IReadOnlyList<string> labels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(features);
        _columns = Columns(features);
        _continuous = [.. _columns.Select(_ => new List<float>())];
        _categorical = [.. _columns.Select(_ => new Dictionary<float, long>())];
        (_task, _labels, _threshold) = (task, labels, threshold);
        _predictedClasses = new long[task == ModelTask.Multiclass ? labels.Count : 0];
        _confusion = task == ModelTask.Multiclass ? new MulticlassConfusion(labels.Count) : null;
    }

    /// <summary>Binary: adds one row with its positive-class probability and true label.</summary>
    public void Add(ReadOnlySpan<float> features, float probability, bool label) =>
        Add(features, new ModelScore(probability >= _threshold ? 1 : 0, probability, float.NaN), [], label ? 1 : 0);

    /// <summary>
    /// Adds one row: its feature vector, what the model said (<paramref name="probabilities"/>: multiclass, one per label)
    /// and the true label when known (<see cref="OutcomeLabels.TruthOf"/>: binary 1 or 0, multiclass the label's index,
    /// regression the value).
    /// </summary>
    public void Add(ReadOnlySpan<float> features, ModelScore score, ReadOnlySpan<float> probabilities, double? label)
    {
        if (features.Length != _columns.Count)
            throw new ArgumentException($"{features.Length} values for {_columns.Count} columns", nameof(features));
        for (var i = 0; i < features.Length; i++)
        {
            if (_columns[i].Kind == ColumnKind.Continuous)
                _continuous[i].Add(features[i]);
            else
                _categorical[i][features[i]] = _categorical[i].GetValueOrDefault(features[i]) + 1;
        }

        _rows++;
        switch (_task)
        {
            case ModelTask.Binary:
                _outputs.Add(score.Probability);
                _predictedPositive += score.Probability >= _threshold ? 1 : 0;
                if (label is { } positive)
                {
                    _labelledProbabilities.Add(score.Probability);
                    _binaryLabels.Add(positive >= 0.5);
                }

                break;
            case ModelTask.Multiclass:
                _outputs.Add(score.Probability);
                _predictedClasses[score.LabelIndex]++;
                if (label is { } truth)
                    _confusion!.Add((int)truth, score.LabelIndex, probabilities[(int)truth]);
                break;
            default:
                _outputs.Add(score.Value);
                if (label is { } value)
                {
                    _labelValues.Add((float)value);
                    _errors.Add(value, score.Value);
                }

                break;
        }
    }

    /// <summary>The statistics of everything added.</summary>
    public ReferenceStatistics Build() => new()
    {
        Rows = _rows,
        Columns = [.. _columns.Select((plan, i) => plan.Kind == ColumnKind.Continuous
            ? Continuous(plan.Column, _continuous[i], fixedEdges: null)
            : Categorical(plan, _categorical[i]))],
        Output = _task switch
        {
            ModelTask.Binary => new OutputStatistics
            {
                Probability = Continuous("probability", _outputs, UnitEdges),
                PredictedPositiveRate = _rows == 0 ? null : (double)_predictedPositive / _rows,
                LabelPositiveRate = _binaryLabels.Count == 0 ? null : (double)_binaryLabels.Count(positive => positive) / _binaryLabels.Count,
            },
            ModelTask.Multiclass => new OutputStatistics
            {
                Confidence = Continuous("confidence", _outputs, UnitEdges),
                PredictedClasses = Shares(_predictedClasses),
                LabelClasses = _confusion!.Rows == 0 ? null : Shares(_confusion.Support),
            },
            _ => new OutputStatistics
            {
                Value = Continuous("value", _outputs, fixedEdges: null),
                LabelValue = _labelValues.Count == 0 ? null : Continuous("labelValue", _labelValues, fixedEdges: null),
            },
        },
    };

    /// <summary>
    /// The metrics on the rows added with a true label, for the model's task; null when none had one (binary: when
    /// they do not have both labels, as the AUC needs).
    /// </summary>
    public TrainingMetrics? Metrics() => _task switch
    {
        ModelTask.Binary when _binaryLabels.Contains(true) && _binaryLabels.Contains(false) =>
            new TrainingMetrics { Holdout = BinaryMetrics.Compute([.. _labelledProbabilities], [.. _binaryLabels], _threshold) },
        ModelTask.Multiclass when _confusion!.Rows > 0 => new TrainingMetrics { Multiclass = _confusion.Metrics(_labels) },
        ModelTask.Regression when _errors.Rows > 0 => new TrainingMetrics { Regression = _errors.Metrics() },
        _ => null,
    };

    private Dictionary<string, double> Shares(long[] counts)
    {
        var total = counts.Sum();
        return _labels.Select((label, index) => (label, index)).ToDictionary(pair => pair.label, pair => total == 0 ? 0 : (double)counts[pair.index] / total);
    }

    // Without fixed edges, the bins are the distinct training deciles, so each holds about a tenth of the reference mass.
    private static ColumnStatistics Continuous(string column, List<float> values, double[]? fixedEdges)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double[] quantiles = sorted.Length == 0 ? [] : [.. Enumerable.Range(0, QuantileSteps + 1).Select(step => Quantile(sorted, step / (double)QuantileSteps))];
        var edges = fixedEdges ?? [.. quantiles.Distinct()];
        double sum = 0, squares = 0;
        foreach (var value in sorted)
        {
            sum += value;
            squares += (double)value * value;
        }

        var count = sorted.Length;
        var mean = count == 0 ? 0 : sum / count;
        return new ColumnStatistics
        {
            Column = column,
            Kind = ColumnKind.Continuous,
            Count = count,
            Mean = mean,
            StandardDeviation = count == 0 ? 0 : Math.Sqrt(Math.Max(0, squares / count - mean * mean)),
            Quantiles = quantiles,
            Histogram = edges.Length < 2 ? null : new Histogram { Edges = edges, Counts = BinCounts(sorted, edges) },
        };
    }

    private static ColumnStatistics Categorical(ReferenceColumn plan, Dictionary<float, long> counts)
    {
        var total = counts.Values.Sum();
        return new ColumnStatistics
        {
            Column = plan.Column,
            Kind = ColumnKind.Categorical,
            Count = total,
            Frequencies = counts
                .OrderBy(pair => pair.Key)
                .ToDictionary(pair => plan.CategoryName(pair.Key), pair => total == 0 ? 0 : (double)pair.Value / total),
        };
    }

    private static double Quantile(float[] sorted, double probability)
    {
        var position = probability * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>Counts per bin: [edge i, edge i+1), the last bin closed, values outside into the end bins.</summary>
    public static long[] BinCounts(ReadOnlySpan<float> values, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var counts = new long[edges.Count - 1];
        foreach (var value in values)
            counts[BinOf(value, edges)]++;
        return counts;
    }

    /// <summary>The bin of a value: [edge i, edge i+1), the last bin closed, values outside into the end bins.</summary>
    public static int BinOf(double value, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var bins = edges.Count - 1;
        for (var bin = 1; bin < bins; bin++)
            if (value < edges[bin])
                return bin - 1;
        return bins - 1;
    }

    /// <summary>
    /// How each tensor column of <paramref name="features"/> is described in the reference statistics: its name,
    /// whether it is continuous or categorical, and (categorical) the category name of a column value. Monitoring
    /// uses the same plan to put live values into the reference's bins and categories.
    /// </summary>
    public static IReadOnlyList<ReferenceColumn> Columns(IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return [.. features.SelectMany(Plan)];
    }

    private static IEnumerable<ReferenceColumn> Plan(FeatureSpec feature) => feature switch
    {
        NumericFeature => [new ReferenceColumn(feature.Name, ColumnKind.Continuous, index => index.ToString(CultureInfo.InvariantCulture))],
        CategoricalFeature { Encoding: CategoricalEncoding.Index } categorical =>
            [new ReferenceColumn(feature.Name, ColumnKind.Categorical, index => categorical.CategoryName((int)index))],
        CategoricalFeature categorical => categorical.Columns().Select(column =>
            new ReferenceColumn(column, ColumnKind.Categorical, value => value.ToString(CultureInfo.InvariantCulture))),
        TimestampFeature timestamp => timestamp.Columns().Select(column =>
            new ReferenceColumn(column, ColumnKind.Categorical, value => value.ToString(CultureInfo.InvariantCulture))),
        _ => throw new ArgumentException($"unsupported feature kind {feature.GetType().Name}", nameof(feature)),
    };
}

/// <summary>One tensor column as the reference statistics describe it.</summary>
/// <param name="Column">The tensor column name.</param>
/// <param name="Kind">Continuous (quantile bins) or categorical (shares per category).</param>
/// <param name="CategoryName">Categorical: the category name of a column value (vocabulary value, <c>&lt;unknown&gt;</c>, or part value).</param>
public sealed record ReferenceColumn(string Column, ColumnKind Kind, Func<float, string> CategoryName);
