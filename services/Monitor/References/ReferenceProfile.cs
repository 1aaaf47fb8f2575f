using Contracts.Outcomes;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Statistics;
using Monitor.Windows;

namespace Monitor.References;

/// <summary>
/// What Monitor needs of one model version: its card (task, labels, threshold, hold-out metrics, how an outcome becomes
/// the truth), the reference statistics it compares live traffic with (the card's, or the version's own live ones), the
/// columns compared (tensor columns, then the output as <c>prediction</c>: binary the probability, multiclass the
/// predicted label, regression the value), and the features live performance is broken down by (segments).
/// </summary>
public sealed class ReferenceProfile
{
    /// <summary>The name of the output's profile column.</summary>
    public const string PredictionColumn = "prediction";

    private readonly int[] _tensorColumnOfProfile;
    private readonly int _predictionProfileColumn;
    private readonly int[] _bins;
    private readonly string[] _keys;
    private readonly Dictionary<string, int> _labelIndex;

    private ReferenceProfile(ModelCard card, ReferenceStatistics? reference, IReadOnlyList<ProfileColumn> columns, int[] tensorColumnOfProfile, int predictionProfileColumn)
    {
        Card = card;
        Reference = reference;
        Columns = columns;
        _tensorColumnOfProfile = tensorColumnOfProfile;
        _predictionProfileColumn = predictionProfileColumn;
        _bins = [.. columns.Select(column => column.Bins)];
        _keys = [.. columns.Select(column => column.Key)];
        _labelIndex = card.Output.Labels.Select((label, index) => (label, index)).ToDictionary(pair => pair.label, pair => pair.index, StringComparer.Ordinal);
        Segments = SegmentColumn.Of(card);
    }

    /// <summary>The model card.</summary>
    public ModelCard Card { get; }

    /// <summary>The model's task.</summary>
    public ModelTask Task => Card.Task;

    /// <summary>The reference statistics live traffic is compared with: the card's, or the version's live ones; null while it has none.</summary>
    public ReferenceStatistics? Reference { get; }

    /// <summary>What the reference was computed on (<see cref="References.ReferenceKind"/>), or null while there is none.</summary>
    public string? ReferenceKind => Reference is null ? null : References.ReferenceKind.Of(Reference);

    /// <summary>The compared columns: tensor columns that have reference statistics, then <c>prediction</c> when the reference describes the output.</summary>
    public IReadOnlyList<ProfileColumn> Columns { get; }

    /// <summary>The features outcomes are broken down by (<see cref="SegmentColumn.Of"/>).</summary>
    public IReadOnlyList<SegmentColumn> Segments { get; }

    /// <summary>Binary: the probability at or above which the positive label is predicted.</summary>
    public double Threshold => Card.Output.Threshold;

    /// <summary>The card's labels (classification), in class order.</summary>
    public IReadOnlyList<string> Labels => Card.Output.Labels;

    /// <summary>An empty prediction aggregate shaped for this profile.</summary>
    public PredictionAggregate NewPredictionAggregate() => PredictionAggregate.Empty(_bins, _keys);

    /// <summary>A copy of <paramref name="aggregate"/> with this profile's columns: the counts of the columns it has with the same bins, zeros for the others.</summary>
    public PredictionAggregate Align(PredictionAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return aggregate.Aligned(_bins, _keys);
    }

    /// <summary>The index of a label in the card's labels, or null.</summary>
    public int? LabelIndexOf(string? label) => label is not null && _labelIndex.TryGetValue(label, out var index) ? index : null;

    /// <summary>Adds one prediction to <paramref name="aggregate"/> (shaped for this profile).</summary>
    public void AddPrediction(PredictionAggregate aggregate, ReadOnlySpan<float> features, PredictionOutput output, DateTimeOffset receivedAt, double latencyMilliseconds)
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

        switch (Task)
        {
            case ModelTask.Binary when output.Probability is { } p:
                CountOutput(aggregate, p);
                CountProbability(aggregate, p);
                if (p >= Threshold)
                {
                    aggregate.PredictedPositive++;
                    aggregate.PositiveProbabilitySum += p;
                }

                break;
            case ModelTask.Multiclass:
                if (LabelIndexOf(output.Label) is { } predicted)
                    CountOutput(aggregate, predicted);
                if (output.Probability is { } confidence)
                    CountProbability(aggregate, confidence);
                break;
            case ModelTask.Regression when output.Value is { } value && float.IsFinite(value):
                CountOutput(aggregate, value);
                aggregate.ValueRows++;
                aggregate.ValueSum += value;
                break;
        }

        if (latencyMilliseconds >= 0)
            aggregate.Latencies[LatencyBins.Of(latencyMilliseconds)]++;
    }

    /// <summary>Adds one outcome to <paramref name="aggregate"/>, with its segments.</summary>
    public void AddOutcome(OutcomeAggregate aggregate, ReadOnlySpan<float> features, ObservedOutcome outcome, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var predicted = outcome.Predicted;
        switch (Task)
        {
            case ModelTask.Binary:
                var probability = predicted.Probability ?? throw new ArgumentException("a binary outcome needs the predicted probability", nameof(outcome));
                var positive = outcome.Truth >= 0.5;
                var predictedPositive = probability >= Threshold;
                aggregate.Add(probability, positive, predictedPositive, recordedAt);
                foreach (var segment in SegmentsOf(aggregate, features))
                    segment.Add(probability, positive, predictedPositive);
                break;
            case ModelTask.Multiclass:
                var truth = (int)outcome.Truth;
                aggregate.AddMulticlass(Labels.Count, truth, outcome.PredictedClass, predicted.Probability, outcome.TruthProbability, recordedAt);
                foreach (var segment in SegmentsOf(aggregate, features))
                    segment.AddMulticlass(truth == outcome.PredictedClass, outcome.TruthProbability);
                break;
            default:
                var value = predicted.Value ?? throw new ArgumentException("a regression outcome needs the predicted value", nameof(outcome));
                aggregate.AddRegression(outcome.Truth, value, recordedAt);
                foreach (var segment in SegmentsOf(aggregate, features))
                    segment.AddRegression(outcome.Truth, value);
                break;
        }
    }

    /// <summary>
    /// The outcome as Monitor counts it, or null when it cannot be used: binary needs the predicted probability and an
    /// actual value or label the card reads as positive or negative; multiclass an actual label of the card and the predicted
    /// label (by name, else the most probable of the prediction's probabilities); regression an actual number and the predicted value.
    /// </summary>
    public ObservedOutcome? Observe(OutcomeRecorded outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var predicted = new PredictionOutput(outcome.PredictedLabel, outcome.Probability, outcome.PredictedValue);
        switch (Task)
        {
            case ModelTask.Binary:
                if (outcome.Probability is null || IsPositive(outcome.ActualValue, outcome.ActualLabel) is not { } positive)
                    return null;
                return new ObservedOutcome(predicted, -1, null, positive ? 1 : 0);
            case ModelTask.Multiclass:
                var probabilities = outcome.Probabilities is { } all && all.Length == Labels.Count ? all : null;
                if (TruthOf(outcome) is not { } truth || (LabelIndexOf(outcome.PredictedLabel) ?? MostProbable(probabilities)) is not { } predictedClass)
                    return null;
                var confidence = outcome.Probability ?? probabilities?[predictedClass];
                return new ObservedOutcome(predicted with { Probability = confidence }, predictedClass, probabilities?[(int)truth], truth);
            default:
                if (TruthOf(outcome) is not { } value || outcome.PredictedValue is not { } predictedValue || !float.IsFinite(predictedValue))
                    return null;
                return new ObservedOutcome(predicted, -1, null, value);
        }
    }

    /// <summary>
    /// Whether an observed outcome is the positive class: a number is positive above the card's
    /// <c>label.positiveWhenGreaterThan</c> (or, without it, at 0.5 and above, so 1/0 work); a label is
    /// positive when it is the card's positive label (or <c>true</c>), negative when it is the other one (or
    /// <c>false</c>). Null when it cannot be read.
    /// </summary>
    public bool? IsPositive(double? value, string? label) => OutcomeLabels.IsPositive(Card, value, label);

    /// <summary>
    /// The profile of <paramref name="card"/>, compared with the card's reference statistics when it has them, else with
    /// <paramref name="live"/> (the version's live reference), else with nothing (no column; performance still measured).
    /// </summary>
    public static ReferenceProfile From(ModelCard card, ReferenceStatistics? live = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        var reference = References.ReferenceKind.HasStatistics(card.Reference) ? card.Reference : live;
        var plans = ReferenceStatisticsBuilder.Columns(card.Features);
        var statistics = reference?.Columns ?? [];
        var columns = new List<ProfileColumn>();
        var tensorColumns = new List<int>();
        for (var index = 0; index < plans.Count; index++)
        {
            var found = statistics.FirstOrDefault(column => column.Column == plans[index].Column);
            if (found is not null && ProfileColumn.From(found, plans[index].CategoryName) is { } profile)
            {
                columns.Add(profile);
                tensorColumns.Add(index);
            }
        }

        var predictionColumn = -1;
        if (OutputColumn(card, reference?.Output, reference?.Rows ?? 0) is { } prediction)
        {
            predictionColumn = columns.Count;
            columns.Add(prediction);
        }

        return new ReferenceProfile(card, reference, columns, [.. tensorColumns], predictionColumn);
    }

    // Binary: the probability's ten equal bins; multiclass: the share of each predicted label; regression: the predicted value's deciles.
    private static ProfileColumn? OutputColumn(ModelCard card, OutputStatistics? output, long rows)
    {
        var labels = card.Output.Labels;
        return card.Task switch
        {
            ModelTask.Binary when output?.Probability is { } probability => ProfileColumn.From(probability with { Column = PredictionColumn }, null),
            ModelTask.Multiclass when output?.PredictedClasses is { } classes => ProfileColumn.From(
                new ColumnStatistics { Column = PredictionColumn, Kind = ColumnKind.Categorical, Count = rows, Frequencies = classes },
                index => index >= 0 && index < labels.Count ? labels[(int)index] : ProfileColumn.Other),
            ModelTask.Regression when output?.Value is { } value => ProfileColumn.From(value with { Column = PredictionColumn }, null),
            _ => null,
        };
    }

    private void CountOutput(PredictionAggregate aggregate, float value)
    {
        if (_predictionProfileColumn >= 0)
            aggregate.Columns[_predictionProfileColumn][Columns[_predictionProfileColumn].BinOf(value)]++;
    }

    private static void CountProbability(PredictionAggregate aggregate, float probability)
    {
        var bin = ProbabilityBins.Of(probability);
        aggregate.ProbabilityCounts[bin]++;
        aggregate.ProbabilitySums[bin] += probability;
    }

    private List<SegmentAggregate> SegmentsOf(OutcomeAggregate aggregate, ReadOnlySpan<float> features)
    {
        var segments = new List<SegmentAggregate>(Segments.Count);
        foreach (var segment in Segments)
        {
            if (segment.CategoryOf(features) is not { } category)
                continue;
            var key = $"{segment.Feature}={category}";
            if (!aggregate.Segments.TryGetValue(key, out var counts))
                aggregate.Segments[key] = counts = new SegmentAggregate();
            segments.Add(counts);
        }

        return segments;
    }

    private double? TruthOf(OutcomeRecorded outcome) =>
        OutcomeLabels.TruthOf(Card, outcome.ActualValue is { } value ? RawValue.Of(value) : RawValue.Of(outcome.ActualLabel));

    private static int? MostProbable(float[]? probabilities)
    {
        if (probabilities is not { Length: > 0 })
            return null;
        var best = 0;
        for (var label = 1; label < probabilities.Length; label++)
        {
            if (probabilities[label] > probabilities[best])
                best = label;
        }

        return best;
    }
}
