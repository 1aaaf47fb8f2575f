using Modeling.Cards;

namespace Retrainer.Registry;

/// <summary>What the store knows about one version without loading its ONNX file.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Card">The stored (valid) card, with the artifact's SHA-256.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the ONNX file.</param>
/// <param name="Bytes">Size of the ONNX file.</param>
/// <param name="RegisteredAt">When the store accepted the version.</param>
public sealed record StoredVersion(string ModelName, string Version, ModelCard Card, string Sha256, long Bytes, DateTimeOffset RegisteredAt);
