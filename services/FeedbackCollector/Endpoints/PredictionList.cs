using Contracts.Predictions;

namespace FeedbackCollector.Endpoints;

/// <summary>The answer of <c>GET /api/v1/predictions?model=…&amp;entityKey=…</c>.</summary>
/// <param name="ModelName">The model asked for.</param>
/// <param name="EntityKey">The entity key asked for.</param>
/// <param name="Predictions">The logged predictions, newest first; at most the requested limit.</param>
public sealed record PredictionList(string ModelName, string EntityKey, IReadOnlyList<PredictionMade> Predictions);
