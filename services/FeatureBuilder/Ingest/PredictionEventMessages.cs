using System.Text.Json.Serialization;

namespace FeatureBuilder.Ingest;

/// <summary>
/// A prediction as the platform publishes it on <c>platform.events</c> (routing key
/// <c>prediction.made.{model}</c>) for a request that came from another system: plain JSON, or the
/// <c>data</c> of a <see cref="PredictionMadeCloudEvent"/> when the request was a CloudEvent.
/// </summary>
/// <param name="PredictionId">The prediction's id (feedback refers to it).</param>
/// <param name="CorrelationId">The requester's correlation id, as given.</param>
/// <param name="EntityKey">The requester's entity key, as given.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The version that predicted.</param>
/// <param name="Label">The predicted label.</param>
/// <param name="Probability">The positive class's probability (binary).</param>
/// <param name="Value">The raw score or the regression value.</param>
/// <param name="ReceivedAt">When the platform received the request.</param>
/// <param name="PredictedAt">When it was scored.</param>
public sealed record PredictionMadeMessage(
    Guid PredictionId,
    string? CorrelationId,
    string? EntityKey,
    string Model,
    string Version,
    string? Label,
    float? Probability,
    float? Value,
    DateTimeOffset ReceivedAt,
    DateTimeOffset PredictedAt);

/// <summary>A <see cref="PredictionMadeMessage"/> as a CloudEvent 1.0 in structured JSON mode.</summary>
public sealed record PredictionMadeCloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("correlationid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CorrelationId,
    [property: JsonPropertyName("data")] PredictionMadeMessage Data);
