using Contracts.Rollouts;

namespace Contracts.Models;

/// <summary>
/// Asks the registry (Retrainer) which model versions serve traffic now, with their model cards. Sent by
/// FeatureBuilder and Inference when they start and whenever the registry announces a change.
/// </summary>
/// <param name="ModelName">Only this model, or every model when null.</param>
public sealed record ServedModelsRequest(string? ModelName);

/// <summary>The registry's answer to <see cref="ServedModelsRequest"/>.</summary>
/// <param name="Models">
/// Every version that may take traffic: each model's champion and, while a rollout runs, its challenger. A
/// replica loads them all.
/// </param>
/// <param name="Routes">One per model in <paramref name="Models"/>: how its traffic is split between those versions.</param>
/// <param name="AnsweredAt">When the registry answered.</param>
public sealed record ServedModelsResponse(IReadOnlyList<ServedModel> Models, IReadOnlyList<ModelRoute> Routes, DateTimeOffset AnsweredAt);

/// <summary>One model version that serves traffic.</summary>
/// <param name="ModelName">URL-safe model name, e.g. <c>flight-delay</c>.</param>
/// <param name="Version">The version, e.g. <c>1</c>.</param>
/// <param name="CardJson">The version's model card as JSON (docs/model-card.md), read with <c>ModelCardReader</c>.</param>
/// <param name="ArtifactSha256">Lower-case hex SHA-256 of the ONNX file, so a replica can tell whether it holds it already.</param>
public sealed record ServedModel(string ModelName, string Version, string CardJson, string ArtifactSha256);
