using Modeling.Cards;
using Modeling.Scoring;
using Modeling.Statistics;

namespace Monitor.References;

/// <summary>
/// The reference of a version whose card has none, in the making: the feature vectors and outputs of its first
/// <see cref="RowsNeeded"/> predictions, summarised as the registry summarises training data
/// (<see cref="ReferenceStatisticsBuilder"/>: deciles of continuous columns, shares of categories, the output for the task).
/// A prediction without the output its task needs (a binary or multiclass one without a probability, a multiclass one whose
/// label is not the card's, a regression one without a value) or of another width is left out. Not thread-safe: callers
/// hold the version's windows lock.
/// </summary>
public sealed class LiveReference
{
    private readonly ModelCard _card;
    private readonly ReferenceStatisticsBuilder _builder;
    private readonly Dictionary<string, int> _labels;

    /// <summary>A reference of <paramref name="card"/>'s version to be built from <paramref name="rowsNeeded"/> predictions.</summary>
    public LiveReference(ModelCard card, int rowsNeeded)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsNeeded, 1);
        _card = card;
        _builder = new ReferenceStatisticsBuilder(card);
        _labels = card.Output.Labels.Select((label, index) => (label, index)).ToDictionary(pair => pair.label, pair => pair.index, StringComparer.Ordinal);
        RowsNeeded = rowsNeeded;
    }

    /// <summary>The predictions the reference is built from.</summary>
    public int RowsNeeded { get; }

    /// <summary>The predictions taken so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Whether it has all its predictions.</summary>
    public bool IsComplete => Rows >= RowsNeeded;

    /// <summary>How far it is.</summary>
    public LiveReferenceProgress Progress => new(Rows, RowsNeeded);

    /// <summary>Takes one prediction unless complete; true when this one completed it (once).</summary>
    public bool Add(ReadOnlySpan<float> features, PredictionOutput output)
    {
        if (IsComplete || features.Length != _card.Input.Columns.Count || ScoreOf(output) is not { } score)
            return false;
        _builder.Add(features, score, [], null);
        Rows++;
        return IsComplete;
    }

    /// <summary>The statistics of the predictions taken, with <c>source</c> <c>live</c>.</summary>
    public ReferenceStatistics Build() => _builder.Build() with { Source = ReferenceKind.Live };

    private ModelScore? ScoreOf(PredictionOutput output) => _card.Task switch
    {
        ModelTask.Binary when output.Probability is { } p && float.IsFinite(p) => new ModelScore(p >= _card.Output.Threshold ? 1 : 0, p, float.NaN),
        ModelTask.Multiclass when output.Probability is { } p && float.IsFinite(p) && output.Label is { } label && _labels.TryGetValue(label, out var index) =>
            new ModelScore(index, p, float.NaN),
        ModelTask.Regression when output.Value is { } value && float.IsFinite(value) => new ModelScore(-1, float.NaN, value),
        _ => null,
    };
}

/// <summary>How far a live reference is: predictions taken of those needed.</summary>
public sealed record LiveReferenceProgress(long Rows, int RowsNeeded);
