using Modeling.Bundles;
using Modeling.Cards;

namespace Retrainer.Registry;

/// <summary>
/// ONNX files in the models folder (the embedded registry), each in its version's bundle <c>{root}/{name}/{version}/</c>
/// with the card, as training writes bundles; a file's reference is <c>{name}/{version}/{file}</c>.
/// </summary>
public sealed class FolderModelFiles(string root) : IModelFiles
{
    /// <summary>The models folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public async Task<string> WriteAsync(ModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var (name, version) = (bundle.Card.Name, bundle.Card.Version);
        // A bundle in place with the same card (whose checksum was checked), trained or copied into the folder, is left as it is.
        if ((await ModelBundle.ReadAsync(ModelBundle.FolderOf(Root, name, version), cancellationToken)).Bundle is not { } there
            || ModelCardJson.Serialize(there.Card) != ModelCardJson.Serialize(bundle.Card))
            await bundle.WriteAsync(Root, cancellationToken);
        return $"{name}/{version}/{bundle.Card.Artifact.File}";
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken) =>
        File.Exists(Path.Combine(Root, file)) ? await File.ReadAllBytesAsync(Path.Combine(Root, file), cancellationToken) : null;

    /// <inheritdoc />
    public Task DeleteAsync(string file, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Root, file))!;
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Uri LocationOf(string modelName, string version) => new(ModelBundle.FolderOf(Root, modelName, version) + Path.DirectorySeparatorChar);
}
