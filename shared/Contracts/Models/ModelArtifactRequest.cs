namespace Contracts.Models;

/// <summary>Asks the registry (Retrainer) for the ONNX file of one model version. Sent by Inference replicas.</summary>
/// <param name="ModelName">URL-safe model name.</param>
/// <param name="Version">The version.</param>
public sealed record ModelArtifactRequest(string ModelName, string Version);

/// <summary>The ONNX file of a model version, in answer to <see cref="ModelArtifactRequest"/>.</summary>
/// <param name="ModelName">URL-safe model name.</param>
/// <param name="Version">The version.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of <paramref name="Onnx"/>.</param>
/// <param name="Onnx">The ONNX model bytes (a few MB for tree ensembles; the broker's message size limit applies).</param>
public sealed record ModelArtifactResponse(string ModelName, string Version, string Sha256, byte[] Onnx);

/// <summary>The registry has no such model version (answer to <see cref="ModelArtifactRequest"/>).</summary>
/// <param name="ModelName">The model asked for.</param>
/// <param name="Version">The version asked for.</param>
public sealed record ModelArtifactNotFound(string ModelName, string Version);
