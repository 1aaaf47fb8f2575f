using System.Text.Json;
using System.Text.Json.Serialization;

namespace Contracts.Predictions;

/// <summary>
/// A model made a prediction (shadow ones too). Travels inside <see cref="PredictionsMade"/>, which
/// Inference publishes once per request after the answer was decided. Consumed by FeedbackCollector (to
/// join outcomes), Monitor (drift, live performance) and Retrainer (training data).
/// </summary>
/// <param name="PredictionId">Unique id of the prediction.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version that predicted.</param>
/// <param name="EntityKey">The caller's key of the thing predicted, when given.</param>
/// <param name="CorrelationId">The caller's correlation id, when given.</param>
/// <param name="Source">Where the record came from: <c>online</c>, <c>event</c>, <c>batch</c> or <c>tensor</c>.</param>
/// <param name="Input">The raw record, when the request had one (the tensor API has none).</param>
/// <param name="Features">The feature vector the model scored (the card's input columns, in order).</param>
/// <param name="Label">The predicted label (classification).</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's.</param>
/// <param name="Value">Regression: the predicted value; binary: the raw score when the model outputs one.</param>
/// <param name="ReceivedAt">When the platform received the request.</param>
/// <param name="PredictedAt">When the model scored it.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the request, so a prediction leads to its trace.</param>
public sealed record PredictionMade(
    Guid PredictionId,
    string ModelName,
    string ModelVersion,
    string? EntityKey,
    string? CorrelationId,
    string Source,
    JsonElement? Input,
    float[] Features,
    string? Label,
    float? Probability,
    float? Value,
    DateTimeOffset ReceivedAt,
    DateTimeOffset PredictedAt,
    string? TraceParent)
{
    /// <summary>
    /// Whether the prediction was made in the shadow of another version's (a shadow rollout): it was logged and is
    /// compared, but the caller got the champion's answer.
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>
    /// Multiclass: every label's probability, in the card's label order (so the probability of the true label is known
    /// when the outcome arrives: log loss). Null for binary and regression models, and in messages from senders that
    /// predate it; left out of the JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Probabilities { get; init; }
}

/// <summary>The values of <see cref="PredictionMade.Source"/> and <see cref="ScoreRequest.Source"/>.</summary>
public static class PredictionSources
{
    /// <summary>A client's raw record through <c>POST /api/v1/models/{model}/predict</c>.</summary>
    public const string Online = "online";

    /// <summary>A feature tensor through the Open Inference Protocol (<c>/v2/models/{model}/infer</c>).</summary>
    public const string Tensor = "tensor";

    /// <summary>An event another system published on the ingest exchange.</summary>
    public const string Event = "event";

    /// <summary>A row of a batch.</summary>
    public const string Batch = "batch";
}
