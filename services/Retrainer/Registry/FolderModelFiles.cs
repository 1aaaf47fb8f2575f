using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Files;

namespace Retrainer.Registry;

/// <summary>
/// ONNX files in the models folder (the embedded registry), each in its version's bundle <c>{root}/{name}/{version}/</c>
/// with the card, as training writes bundles; a file's reference is <c>{name}/{version}/{file}</c>. A training dataset is
/// <c>{root}/.datasets/{name}/{id}/dataset</c> (no model's name starts with a dot), alone in its folder, which a delete removes.
/// Every name and every part of a reference is a plain path segment (<see cref="PathSegments"/>), so no path leaves the root.
/// </summary>
public sealed class FolderModelFiles(string root) : IModelFiles
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task<string> WriteAsync(ModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var (name, version) = (bundle.Card.Name, bundle.Card.Version);
        // A bundle in place with the same card (whose checksum was checked), trained or copied into the folder, is left as it is.
        if ((await ModelBundle.ReadAsync(ModelBundle.FolderOf(_root, name, version), cancellationToken)).Bundle is not { } there
            || ModelCardJson.Serialize(there.Card) != ModelCardJson.Serialize(bundle.Card))
            await bundle.WriteAsync(_root, cancellationToken);
        return $"{name}/{version}/{bundle.Card.Artifact.File}";
    }

    public async Task<string> WriteDatasetAsync(string modelName, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var file = $".datasets/{PathSegments.Checked(modelName, nameof(modelName))}/{Guid.NewGuid():N}/dataset";
        var path = PathOf(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var written = File.Create(path))
            await content.CopyToAsync(written, cancellationToken);
        return file;
    }

    public Task<Stream?> OpenReadAsync(string file, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(PathOf(file) is var path && File.Exists(path) ? File.OpenRead(path) : null);

    public async Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken) =>
        PathOf(file) is var path && File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;

    public Task DeleteAsync(string file, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(PathOf(file))!;
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    public Uri LocationOf(string modelName, string version) => new(ModelBundle.FolderOf(_root, modelName, version) + Path.DirectorySeparatorChar);

    // A reference ({name}/{version}/{file} or .datasets/{name}/{id}/dataset) as a path under the root; every part plain.
    private string PathOf(string file) => PathSegments.Combine(_root, (file ?? throw new ArgumentNullException(nameof(file))).Split('/'));
}
