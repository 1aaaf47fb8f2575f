using System.Diagnostics;
using Contracts.Predictions;
using Modeling.Scoring;

namespace Inference.Runtime;

/// <summary>Builds the <see cref="PredictionMade"/> events of a scored request, one per record.</summary>
public static class PredictionEvents
{
    /// <summary>The events for <paramref name="predictions"/>; <paramref name="records"/> is null or one per prediction.</summary>
    public static PredictionMade[] Of(
        LoadedModel model,
        IReadOnlyList<Prediction> predictions,
        ReadOnlySpan<float> features,
        IReadOnlyList<ScoreRecord>? records,
        string source,
        DateTimeOffset receivedAt,
        DateTimeOffset predictedAt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(predictions);
        var width = model.Scorer.Width;
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
                receivedAt,
                predictedAt,
                traceParent);
        }

        return events;
    }

    /// <summary>The client-facing predictions of <paramref name="scores"/>, each with a new id.</summary>
    public static Prediction[] PredictionsOf(LoadedModel model, ReadOnlySpan<ModelScore> scores)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predictions = new Prediction[scores.Length];
        for (var row = 0; row < scores.Length; row++)
        {
            var score = scores[row];
            predictions[row] = new Prediction(
                Guid.CreateVersion7(),
                model.LabelOf(score),
                float.IsNaN(score.Probability) ? null : score.Probability,
                float.IsNaN(score.Value) ? null : score.Value);
        }

        return predictions;
    }
}
