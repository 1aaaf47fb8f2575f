namespace Contracts.Models;

/// <summary>
/// A new model version was added to the registry and its artifact can be loaded. Published by the
/// Retrainer; Inference replicas use it to load the version, Monitor to pick up its reference statistics.
/// Registering a version does not route traffic to it: that is a rollout's job.
/// </summary>
/// <param name="ModelName">URL-safe model name, e.g. <c>flight-delay</c>.</param>
/// <param name="Version">The new version, unique within <paramref name="ModelName"/>, e.g. <c>2</c>.</param>
/// <param name="ArtifactUri">
/// Where the model bundle (ONNX file and model card) can be read, e.g. <c>file:///data/models/flight-delay/2/</c>
/// in the embedded mode or the store's URI in the distributed mode.
/// </param>
/// <param name="RegisteredAt">When the registry accepted the version.</param>
/// <param name="Trigger">
/// What led to the version: <c>bootstrap</c>, <c>manual</c>, <c>drift</c>, <c>schedule</c> or <c>external</c>
/// (the model card's <c>lineage.trigger</c>).
/// </param>
public sealed record ModelRegistered(
    string ModelName,
    string Version,
    Uri ArtifactUri,
    DateTimeOffset RegisteredAt,
    string Trigger);
