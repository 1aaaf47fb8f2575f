namespace Contracts.Predictions;

/// <summary>
/// The predictions of one request (one record, an array, a tensor, later a batch chunk), published by
/// Inference as one message once the answer is decided: one message per request rather than per
/// prediction keeps the broker's work independent of the request size. Every prediction the platform
/// makes is in exactly one of these.
/// </summary>
/// <param name="Predictions">The predictions, in the request's order.</param>
public sealed record PredictionsMade(IReadOnlyList<PredictionMade> Predictions);
