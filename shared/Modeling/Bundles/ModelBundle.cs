using System.Security.Cryptography;
using Modeling.Cards;
using Modeling.Files;

namespace Modeling.Bundles;

/// <summary>
/// A model version as stored: a folder holding <c>model-card.json</c> and the ONNX file the card names.
/// The bundle store lays versions out as <c>{root}/{name}/{version}/</c>.
/// </summary>
/// <param name="Card">The validated card.</param>
/// <param name="Onnx">The ONNX model bytes, whose SHA-256 matches the card's.</param>
public sealed record ModelBundle(ModelCard Card, byte[] Onnx)
{
    /// <summary>The card's file name inside a bundle folder.</summary>
    public const string CardFileName = "model-card.json";

    /// <summary>The folder of a model version under a bundle root.</summary>
    /// <exception cref="ArgumentException">When the name or the version is not a plain path segment (<see cref="PathSegments"/>).</exception>
    public static string FolderOf(string root, string name, string version) => PathSegments.Combine(root, name, version);

    /// <summary>The card with the artifact's SHA-256 filled in from <see cref="Onnx"/>.</summary>
    public ModelBundle WithChecksum() => this with { Card = Card with { Artifact = Card.Artifact with { Sha256 = Sha256Of(Onnx) } } };

    /// <summary>Writes the bundle into <c>{root}/{name}/{version}/</c> (files replaced atomically) and returns that folder.</summary>
    public async Task<string> WriteAsync(string root, CancellationToken cancellationToken)
    {
        // A bundle that ReadAsync would refuse is never written (and a bad name never becomes a path).
        if (ModelCardValidator.Validate(Card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The model card is invalid; nothing was written: {string.Join("; ", errors)}");
        var bundle = WithChecksum();
        var folder = FolderOf(root, bundle.Card.Name, bundle.Card.Version);
        Directory.CreateDirectory(folder);
        // The ONNX file first, the card last: a folder with a card is a complete bundle.
        await WriteAtomicallyAsync(PathSegments.Combine(folder, bundle.Card.Artifact.File), bundle.Onnx, cancellationToken);
        await WriteAtomicallyAsync(Path.Combine(folder, CardFileName), System.Text.Encoding.UTF8.GetBytes(ModelCardJson.Serialize(bundle.Card)), cancellationToken);
        return folder;
    }

    /// <summary>Reads and checks a bundle folder; the errors say what is wrong when it cannot be used.</summary>
    public static async Task<ModelBundleReadResult> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        var read = await ModelCardReader.ReadFileAsync(Path.Combine(folder, CardFileName), cancellationToken);
        if (read.Card is not { } card)
            return new ModelBundleReadResult(null, read.Errors);

        var onnxPath = PathSegments.Combine(folder, card.Artifact.File);
        if (!File.Exists(onnxPath))
            return Invalid("$.artifact.file", $"the card names {card.Artifact.File} but {onnxPath} does not exist");
        var onnx = await File.ReadAllBytesAsync(onnxPath, cancellationToken);
        if (card.Artifact.Sha256 is { } expected && Sha256Of(onnx) is var actual && actual != expected)
            return Invalid("$.artifact.sha256", $"the card says {expected} but {card.Artifact.File} has {actual}");
        return new ModelBundleReadResult(new ModelBundle(card, onnx), []);
    }

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static ModelBundleReadResult Invalid(string path, string message) => new(null, [new ModelCardError(path, message)]);

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The outcome of reading a bundle folder.</summary>
/// <param name="Bundle">The bundle, or null when it cannot be used.</param>
/// <param name="Errors">Empty when the bundle is usable.</param>
public sealed record ModelBundleReadResult(ModelBundle? Bundle, IReadOnlyList<ModelCardError> Errors);
