using Modeling.Cards;
using Modeling.Features;
using Modeling.Scoring;
using Modeling.Statistics;

namespace Retrainer.Training;

/// <summary>
/// Examples turned into model input by a card: row-major features (the card's featurizer, the one serving uses) and each
/// row's truth by the card's label rule (<see cref="OutcomeLabels.TruthOf"/>). An example the featurizer refuses, or
/// whose outcome the card cannot read, is counted in <see cref="Rejected"/>, not kept.
/// </summary>
public sealed class FeatureTable
{
    /// <summary>A table of <paramref name="truths"/>.Length rows of <paramref name="width"/> features each.</summary>
    public FeatureTable(float[] features, double[] truths, int width, long rejected = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(truths);
        if (features.Length != truths.Length * width)
            throw new ArgumentException($"{features.Length} features is not {truths.Length} rows of {width}", nameof(features));
        (Features, Truths, Width, Rejected) = (features, truths, width, rejected);
    }

    /// <summary>Row-major feature values, <see cref="Width"/> per row.</summary>
    public float[] Features { get; }

    /// <summary>Each row's truth: binary 1 or 0, multiclass the label's index, regression the value.</summary>
    public double[] Truths { get; }

    /// <summary>Floats per row (the card's input columns).</summary>
    public int Width { get; }

    /// <summary>Rows kept.</summary>
    public int Rows => Truths.Length;

    /// <summary>Examples left out: refused by the featurizer, or with an outcome the label rule cannot read.</summary>
    public long Rejected { get; }

    /// <summary>One row's features.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * Width, Width);

    /// <summary>Featurizes <paramref name="examples"/> by <paramref name="card"/> and reads their truths by its label rule.</summary>
    public static FeatureTable Build(ModelCard card, IReadOnlyList<TrainingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(examples);
        var featurizer = Featurizer.Create(card);
        var width = featurizer.Width;
        var features = new float[examples.Count * width];
        var truths = new double[examples.Count];
        var kept = 0;
        foreach (var example in examples)
        {
            if (OutcomeLabels.TruthOf(card, example.Outcome) is not { } truth
                || !featurizer.Featurize(example.Input, features.AsSpan(kept * width, width)).IsValid)
                continue;
            truths[kept++] = truth;
        }

        return new FeatureTable(features[..(kept * width)], truths[..kept], width, examples.Count - kept);
    }

    /// <summary>
    /// Scores every row with <paramref name="scorer"/> (the version's ONNX file, as it is served) and adds each to a
    /// statistics builder of the scorer's card with its truth: the reference statistics of the rows
    /// (<see cref="ReferenceStatisticsBuilder.Build"/>) and the metrics of the card's task on them
    /// (<see cref="ReferenceStatisticsBuilder.Metrics"/>).
    /// </summary>
    public ReferenceStatisticsBuilder Describe(OnnxScorer scorer)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        var card = scorer.Card;
        var classes = card.Task == ModelTask.Multiclass ? card.Output.Labels.Count : 0;
        var scores = new ModelScore[Rows];
        var probabilities = new float[Rows * classes];
        scorer.Score(Features, scores, probabilities);
        var builder = new ReferenceStatisticsBuilder(card);
        for (var row = 0; row < Rows; row++)
            builder.Add(Row(row), scores[row], probabilities.AsSpan(row * classes, classes), Truths[row]);
        return builder;
    }
}
