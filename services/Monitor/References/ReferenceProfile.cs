using Modeling.Cards;
using Modeling.Statistics;
using Monitor.Windows;

namespace Monitor.References;

/// <summary>
/// What Monitor needs of one model version's card: the columns to compare with the training data (tensor
/// columns, then the output as <c>prediction</c>), the threshold, the training hold-out metrics, how an
/// outcome becomes a label, and the features live performance is broken down by (segments).
/// </summary>
public sealed class ReferenceProfile
{
    /// <summary>The name of the output's profile column.</summary>
    public const string PredictionColumn = "prediction";

    private readonly int[] _tensorColumnOfProfile;
    private readonly int _predictionProfileColumn;

    private ReferenceProfile(ModelCard card, IReadOnlyList<ProfileColumn> columns, int[] tensorColumnOfProfile, int predictionProfileColumn, IReadOnlyList<SegmentColumn> segments)
    {
        Card = card;
        Columns = columns;
        _tensorColumnOfProfile = tensorColumnOfProfile;
        _predictionProfileColumn = predictionProfileColumn;
        Segments = segments;
    }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The compared columns: tensor columns that have reference statistics, then <c>prediction</c> when the card describes the output.</summary>
    public IReadOnlyList<ProfileColumn> Columns { get; }

    /// <summary>The features outcomes are broken down by.</summary>
    public IReadOnlyList<SegmentColumn> Segments { get; }

    /// <summary>The probability at or above which the positive label is predicted.</summary>
    public double Threshold => Card.Output.Threshold;

    /// <summary>Whether live performance can be measured: binary models only, for now.</summary>
    public bool IsBinary => Card.Task == ModelTask.Binary;

    /// <summary>An empty prediction aggregate shaped for this profile.</summary>
    public PredictionAggregate NewPredictionAggregate() => PredictionAggregate.Empty([.. Columns.Select(column => column.Bins)]);

    /// <summary>Adds one prediction to <paramref name="aggregate"/>.</summary>
    public void AddPrediction(PredictionAggregate aggregate, ReadOnlySpan<float> features, float? probability, DateTimeOffset receivedAt, double latencyMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        aggregate.Rows++;
        aggregate.First = PredictionAggregate.Earliest(aggregate.First, receivedAt);
        aggregate.Last = PredictionAggregate.Latest(aggregate.Last, receivedAt);
        for (var column = 0; column < _tensorColumnOfProfile.Length; column++)
        {
            var tensorColumn = _tensorColumnOfProfile[column];
            if (tensorColumn < features.Length)
                aggregate.Columns[column][Columns[column].BinOf(features[tensorColumn])]++;
        }

        if (probability is { } p)
        {
            if (_predictionProfileColumn >= 0)
                aggregate.Columns[_predictionProfileColumn][Columns[_predictionProfileColumn].BinOf(p)]++;
            var bin = ProbabilityBins.Of(p);
            aggregate.ProbabilityCounts[bin]++;
            aggregate.ProbabilitySums[bin] += p;
            if (p >= Threshold)
            {
                aggregate.PredictedPositive++;
                aggregate.PositiveProbabilitySum += p;
            }
        }

        if (latencyMilliseconds >= 0)
            aggregate.Latencies[LatencyBins.Of(latencyMilliseconds)]++;
    }

    /// <summary>Adds one outcome to <paramref name="aggregate"/>, with its segments.</summary>
    public void AddOutcome(OutcomeAggregate aggregate, ReadOnlySpan<float> features, float probability, bool positive, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var predictedPositive = probability >= Threshold;
        aggregate.Add(probability, positive, predictedPositive, recordedAt);
        foreach (var segment in Segments)
        {
            if (segment.TensorColumn >= features.Length)
                continue;
            var key = $"{segment.Feature}={segment.CategoryName(features[segment.TensorColumn])}";
            if (!aggregate.Segments.TryGetValue(key, out var counts))
                aggregate.Segments[key] = counts = new SegmentAggregate();
            counts.Add(probability, positive, predictedPositive);
        }
    }

    /// <summary>
    /// Whether an observed outcome is the positive class: a number is positive above the card's
    /// <c>label.positiveWhenGreaterThan</c> (or, without it, at 0.5 and above, so 1/0 work); a label is
    /// positive when it is the card's positive label (or <c>true</c>), negative when it is the other one (or
    /// <c>false</c>). Null when it cannot be read.
    /// </summary>
    public bool? IsPositive(double? value, string? label) => OutcomeLabels.IsPositive(Card, value, label);

    /// <summary>The profile of <paramref name="card"/>, with outcomes broken down by the features named in <paramref name="segmentBy"/> (categorical features with a vocabulary).</summary>
    public static ReferenceProfile From(ModelCard card, IReadOnlyCollection<string> segmentBy)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(segmentBy);
        var plans = ReferenceStatisticsBuilder.Columns(card.Features);
        var statistics = card.Reference?.Columns ?? [];
        var columns = new List<ProfileColumn>();
        var tensorColumns = new List<int>();
        for (var index = 0; index < plans.Count; index++)
        {
            var reference = statistics.FirstOrDefault(column => column.Column == plans[index].Column);
            if (reference is not null && ProfileColumn.From(reference, plans[index].CategoryName) is { } profile)
            {
                columns.Add(profile);
                tensorColumns.Add(index);
            }
        }

        var predictionColumn = -1;
        if (card.Reference?.Output?.Probability is { } output && ProfileColumn.From(output with { Column = PredictionColumn }, null) is { } prediction)
        {
            predictionColumn = columns.Count;
            columns.Add(prediction);
        }

        var segments = plans
            .Select((plan, index) => (plan, index))
            .Where(pair => segmentBy.Contains(pair.plan.Column, StringComparer.OrdinalIgnoreCase) && pair.plan.Kind == ColumnKind.Categorical)
            .Select(pair => new SegmentColumn(pair.plan.Column, pair.index, pair.plan.CategoryName))
            .ToList();
        return new ReferenceProfile(card, columns, [.. tensorColumns], predictionColumn, segments);
    }
}

/// <summary>A feature live performance is broken down by: its tensor column and how a value names its category.</summary>
public sealed record SegmentColumn(string Feature, int TensorColumn, Func<float, string> CategoryName);
