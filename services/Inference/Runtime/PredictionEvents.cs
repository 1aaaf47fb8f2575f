using System.Diagnostics;
using Contracts.Predictions;
using Modeling.Cards;
using Modeling.Scoring;

namespace Inference.Runtime;

/// <summary>Builds the <see cref="PredictionMade"/> events of a scored request, one per record.</summary>
public static class PredictionEvents
{
    /// <summary>
    /// The events for <paramref name="predictions"/>; <paramref name="records"/> is null or one per prediction;
    /// <paramref name="probabilities"/> is every label's probability per prediction, row-major (a multiclass model's, from
    /// <see cref="Score"/>), or empty.
    /// </summary>
    public static PredictionMade[] Of(
        LoadedModel model,
        IReadOnlyList<Prediction> predictions,
        ReadOnlySpan<float> features,
        ReadOnlySpan<float> probabilities,
        IReadOnlyList<ScoreRecord>? records,
        string source,
        DateTimeOffset receivedAt,
        DateTimeOffset predictedAt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(predictions);
        var width = model.Scorer.Width;
        var classes = probabilities.IsEmpty ? 0 : probabilities.Length / Math.Max(1, predictions.Count);
        var traceParent = Activity.Current?.Id;
        var events = new PredictionMade[predictions.Count];
        for (var row = 0; row < events.Length; row++)
        {
            var prediction = predictions[row];
            var record = records?[row];
            events[row] = new PredictionMade(
                prediction.PredictionId,
                model.Name,
                model.Version,
                record?.EntityKey,
                record?.CorrelationId,
                source,
                record?.Input,
                features.Slice(row * width, width).ToArray(),
                prediction.Label,
                prediction.Probability,
                prediction.Value,
                record?.ReceivedAt ?? receivedAt,
                predictedAt,
                traceParent)
            {
                Probabilities = classes == 0 ? null : probabilities.Slice(row * classes, classes).ToArray(),
            };
        }

        return events;
    }

    /// <summary>
    /// Scores the row-major <paramref name="features"/> of <c>features.Length / width</c> records: what each record's
    /// model said, and for a multiclass model every label's probability per record, row-major (empty for the other tasks).
    /// </summary>
    public static ScoredRows Score(LoadedModel model, ReadOnlyMemory<float> features)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rows = features.Length / model.Scorer.Width;
        var scores = new ModelScore[rows];
        var probabilities = model.Card.Task == ModelTask.Multiclass ? new float[rows * model.Card.Output.Labels.Count] : [];
        model.Scorer.Score(features, scores, probabilities);
        return new ScoredRows(scores, probabilities);
    }

    /// <summary>
    /// The client-facing predictions of <paramref name="scores"/>, each with a new id; a multiclass model's with every
    /// label's probability from <paramref name="probabilities"/> (row-major, as <see cref="Score"/> gives them).
    /// </summary>
    public static Prediction[] PredictionsOf(LoadedModel model, ReadOnlySpan<ModelScore> scores, ReadOnlySpan<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predictions = new Prediction[scores.Length];
        var labels = model.Card.Output.Labels.Count;
        var perLabel = labels > 0 && probabilities.Length == scores.Length * labels;
        for (var row = 0; row < scores.Length; row++)
        {
            var score = scores[row];
            predictions[row] = new Prediction(
                Guid.CreateVersion7(),
                model.LabelOf(score),
                float.IsNaN(score.Probability) ? null : score.Probability,
                float.IsNaN(score.Value) ? null : score.Value)
            {
                Probabilities = perLabel ? probabilities.Slice(row * labels, labels).ToArray() : null,
            };
        }

        return predictions;
    }
}

/// <summary>What a model said about some records: one score per record, and (multiclass) every label's probability per record, row-major.</summary>
/// <param name="Scores">One per record.</param>
/// <param name="Probabilities">Multiclass: the card's labels' probabilities per record; empty for the other tasks.</param>
public sealed record ScoredRows(ModelScore[] Scores, float[] Probabilities);
