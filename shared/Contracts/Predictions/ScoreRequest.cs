using System.Text.Json;

namespace Contracts.Predictions;

/// <summary>
/// Asks Inference to score feature vectors with a model (request/response). Sent by FeatureBuilder for the
/// online path, after it validated and featurized the raw records by the model card of <paramref name="ModelVersion"/>.
/// Answered with <see cref="ScoreResponse"/>, or <see cref="ScoreRejected"/> when the model cannot score them.
/// </summary>
/// <param name="ModelName">The model, e.g. <c>flight-delay</c>.</param>
/// <param name="ModelVersion">The version whose feature spec built <paramref name="Features"/>.</param>
/// <param name="Width">Floats per record: the card's input column count.</param>
/// <param name="Features">The feature vectors, row-major, <c>Records.Count × Width</c> floats.</param>
/// <param name="Records">What Inference needs to publish each prediction, in the order of the rows.</param>
/// <param name="Source">Where the records came from: <c>online</c>, <c>event</c>, <c>batch</c> or <c>tensor</c>.</param>
/// <param name="ReceivedAt">When the platform received the request.</param>
public sealed record ScoreRequest(
    string ModelName,
    string ModelVersion,
    int Width,
    float[] Features,
    IReadOnlyList<ScoreRecord> Records,
    string Source,
    DateTimeOffset ReceivedAt);

/// <summary>One record of a <see cref="ScoreRequest"/>.</summary>
/// <param name="EntityKey">The caller's key of the thing predicted (e.g. a flight), used to join outcomes; optional.</param>
/// <param name="CorrelationId">The caller's correlation id, echoed in the prediction event; optional.</param>
/// <param name="Input">The raw record as the client sent it (what monitoring segments by); optional.</param>
public sealed record ScoreRecord(string? EntityKey, string? CorrelationId, JsonElement? Input)
{
    /// <summary>
    /// When the platform received this record's request, when that is not <see cref="ScoreRequest.ReceivedAt"/> (FeatureBuilder
    /// sends concurrent requests to Inference together).
    /// </summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}

/// <summary>The scores of a <see cref="ScoreRequest"/>, one per record in the request's order.</summary>
/// <param name="ModelName">The model that scored.</param>
/// <param name="ModelVersion">The version that scored (the first record's; see <see cref="Prediction.ModelVersion"/> per record).</param>
/// <param name="Predictions">One per record.</param>
/// <param name="ScoredAt">When Inference scored them.</param>
public sealed record ScoreResponse(string ModelName, string ModelVersion, IReadOnlyList<Prediction> Predictions, DateTimeOffset ScoredAt);

/// <summary>One prediction.</summary>
/// <param name="PredictionId">Unique id, referenced by feedback and in the <c>PredictionMade</c> event.</param>
/// <param name="Label">The predicted label (classification), else null.</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's; else null.</param>
/// <param name="Value">Regression: the predicted value; binary: the raw score when the model outputs one; else null.</param>
public sealed record Prediction(Guid PredictionId, string? Label, float? Probability, float? Value)
{
    /// <summary>
    /// The version that made this prediction, when it is not the response's <see cref="ScoreResponse.ModelVersion"/>
    /// (a rollout routes records of one request to different versions).
    /// </summary>
    public string? ModelVersion { get; init; }

    /// <summary>Multiclass: every label's probability, in the card's order of labels; null for the other tasks.</summary>
    public IReadOnlyList<float>? Probabilities { get; init; }
}

/// <summary>Inference could not score a <see cref="ScoreRequest"/>; nothing was predicted.</summary>
/// <param name="ModelName">The model asked for.</param>
/// <param name="ModelVersion">The version asked for.</param>
/// <param name="Code">One of <see cref="ScoreRejectedCodes"/>.</param>
/// <param name="Reason">What is wrong, for people.</param>
public sealed record ScoreRejected(string ModelName, string ModelVersion, string Code, string Reason);

/// <summary>The stable codes of <see cref="ScoreRejected"/>.</summary>
public static class ScoreRejectedCodes
{
    /// <summary>This Inference replica does not serve the model (unknown, or not loaded yet).</summary>
    public const string ModelNotServed = "model_not_served";

    /// <summary>The model is served, but not in the version the features were built for.</summary>
    public const string VersionNotServed = "version_not_served";

    /// <summary>The features do not have the model's shape.</summary>
    public const string InvalidShape = "invalid_shape";
}
