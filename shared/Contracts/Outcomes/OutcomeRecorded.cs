using System.Text.Json;
using System.Text.Json.Serialization;

namespace Contracts.Outcomes;

/// <summary>
/// The ground truth of a prediction is known: FeedbackCollector joined an outcome (sent by HTTP or by event)
/// to the prediction it belongs to. Carries the prediction's features and outputs beside the actual value,
/// so Monitor (live performance) and Retrainer (labelled training rows) need nothing else. Published once
/// per joined prediction: an outcome given by entity key joins every version that predicted that entity
/// (the champion and a shadow, for example), each as its own event.
/// </summary>
/// <param name="OutcomeId">The outcome as FeedbackCollector stored it (the caller's id, or one derived from what identifies it).</param>
/// <param name="PredictionId">The prediction it was joined to.</param>
/// <param name="ModelName">The model that predicted.</param>
/// <param name="ModelVersion">The version that predicted.</param>
/// <param name="EntityKey">The caller's key of the thing predicted, when given.</param>
/// <param name="Source">Where the prediction's record came from: <c>online</c>, <c>event</c>, <c>batch</c> or <c>tensor</c>.</param>
/// <param name="ActualValue">The observed value as given, when it is a number (e.g. a delay of 37 minutes).</param>
/// <param name="ActualLabel">The observed label as given, when it is text (e.g. <c>late</c>).</param>
/// <param name="Input">The prediction's raw record, when it had one.</param>
/// <param name="Features">The feature vector the model scored.</param>
/// <param name="PredictedLabel">The predicted label (classification).</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's.</param>
/// <param name="PredictedValue">Regression: the predicted value; binary: the raw score when the model outputs one.</param>
/// <param name="PredictedAt">When the model scored the prediction.</param>
/// <param name="ObservedAt">When the outcome happened, as the caller said (or when it was received).</param>
/// <param name="RecordedAt">When FeedbackCollector joined it.</param>
public sealed record OutcomeRecorded(
    Guid OutcomeId,
    Guid PredictionId,
    string ModelName,
    string ModelVersion,
    string? EntityKey,
    string Source,
    double? ActualValue,
    string? ActualLabel,
    JsonElement? Input,
    float[] Features,
    string? PredictedLabel,
    float? Probability,
    float? PredictedValue,
    DateTimeOffset PredictedAt,
    DateTimeOffset ObservedAt,
    DateTimeOffset RecordedAt)
{
    /// <summary>
    /// Multiclass: the prediction's probability of every label, in the card's label order (<c>PredictionMade.Probabilities</c>),
    /// from which the true label's probability is read. Null for binary and regression models, and when the prediction
    /// came from a sender that predates it; left out of the JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Probabilities { get; init; }

    /// <summary>
    /// The outcome's source, who reported it (docs/feedback.md#sources): over HTTP the caller, <c>key:&lt;key id&gt;</c>
    /// for an API key (<c>token:&lt;subject&gt;</c> for an OpenID Connect token), <c>anonymous</c> when security is turned off; on
    /// <c>platform.ingest</c> <c>broker:&lt;user&gt;</c>, the trusted RabbitMQ user that published it with <c>user_id</c>
    /// (e.g. <c>broker:platform-external</c>). Null for an outcome stored before sources were kept, and from a sender that
    /// predates it; left out of the JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReportedBy { get; init; }
}
