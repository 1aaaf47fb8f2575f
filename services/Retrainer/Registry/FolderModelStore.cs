using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// Model versions as bundle folders, <c>{root}/{name}/{version}/</c> (the embedded store, and where the training
/// command line writes): a version exists when its folder has a card; bundles are written atomically, the ONNX
/// file first and the card last.
/// </summary>
public sealed partial class FolderModelStore(string root, ILogger<FolderModelStore> logger) : IModelStore
{
    /// <summary>The models folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public async Task<bool> AddAsync(ModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (File.Exists(Path.Combine(ModelBundle.FolderOf(Root, bundle.Card.Name, bundle.Card.Version), ModelBundle.CardFileName)))
            return false;
        await bundle.WriteAsync(Root, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(
            Directory.Exists(Root) ? [.. Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : []);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> VersionsAsync(string modelName, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, modelName);
        return Task.FromResult<IReadOnlyList<string>>(
            RegistryNames.IsPlain(modelName) && Directory.Exists(folder)
                ? [.. Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>()]
                : []);
    }

    /// <inheritdoc />
    public async Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        // Names and versions come from messages: never let one climb out of the models folder.
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return null;
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(Root, modelName, version), cancellationToken);
        if (read.Bundle is null && Directory.Exists(ModelBundle.FolderOf(Root, modelName, version)))
            LogUnusable(modelName, version, string.Join("; ", read.Errors));
        return read.Bundle;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} version {Version} is not usable and is skipped: {Errors}")]
    private partial void LogUnusable(string name, string version, string errors);
}

/// <summary>Model names and versions come from messages and URLs; only plain names reach a store.</summary>
public static class RegistryNames
{
    /// <summary>Whether <paramref name="value"/> is a non-empty name without path characters.</summary>
    public static bool IsPlain(string value) =>
        !string.IsNullOrEmpty(value) && value.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && value is not "." and not ".." && !value.Contains('/', StringComparison.Ordinal);
}
