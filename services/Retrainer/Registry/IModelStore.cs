using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// The registry's store of model versions: each version's bundle (model card and ONNX file) under its model's
/// name, and the model's aliases (<c>champion</c>, <c>challenger</c>, any name → a version). A version, once
/// stored, never changes: adding it again is a no-op; it can only be deleted.
/// </summary>
/// <remarks>
/// The embedded store is the models folder (<see cref="FolderModelStore"/>: <c>{ModelsFolder}/{name}/{version}/</c>,
/// where training writes bundles, and <c>{ModelsFolder}/{name}/aliases.json</c>); in production, MongoDB
/// (<see cref="MongoModelStore"/>: cards and aliases in collections, ONNX files in GridFS). Both pass the contract
/// tests in <c>Retrainer.Tests/Registry/ModelStoreContract</c>. Which version serves traffic is the registry's rule
/// (<see cref="ModelRegistry"/>), not the store's.
/// </remarks>
public interface IModelStore
{
    /// <summary>Stores <paramref name="bundle"/> (its card's name and version, the card's SHA-256 filled in) unless that version is stored already.</summary>
    /// <returns>True when it was new.</returns>
    /// <exception cref="InvalidOperationException">When the card is not valid.</exception>
    Task<bool> AddAsync(ModelBundle bundle, CancellationToken cancellationToken);

    /// <summary>The names of the models that have at least one stored version, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken);

    /// <summary>The stored versions of <paramref name="modelName"/> (none for an unknown model), in no particular order.</summary>
    Task<IReadOnlyList<string>> VersionsAsync(string modelName, CancellationToken cancellationToken);

    /// <summary>
    /// The bundle of one version, checked (valid card, the ONNX file the card's checksum names), or null when
    /// there is no such version or it is not usable. Names that are not plain names find nothing.
    /// </summary>
    Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken);

    /// <summary>Every stored version of <paramref name="modelName"/> with a readable card, described without loading the ONNX files, in no particular order.</summary>
    Task<IReadOnlyList<StoredVersion>> ListAsync(string modelName, CancellationToken cancellationToken);

    /// <summary>One version described without loading its ONNX file, or null when there is no such version (or its card is unreadable).</summary>
    Task<StoredVersion?> DescribeAsync(string modelName, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a version's card and ONNX file. Its aliases stay (the registry decides about those), unless it was
    /// the model's last version: then the model's aliases go too.
    /// </summary>
    /// <returns>True when the version existed.</returns>
    Task<bool> DeleteAsync(string modelName, string version, CancellationToken cancellationToken);

    /// <summary>The aliases of <paramref name="modelName"/>, ordered by alias name (none for an unknown model).</summary>
    Task<IReadOnlyList<ModelAlias>> AliasesAsync(string modelName, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="entry"/> unless the model already has an alias of that name.</summary>
    /// <returns>True when it was created; false when the name was taken (the existing alias is left alone).</returns>
    Task<bool> AddAliasAsync(ModelAlias entry, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="entry"/> or moves the existing alias of that name.</summary>
    Task SetAliasAsync(ModelAlias entry, CancellationToken cancellationToken);

    /// <summary>Removes the alias <paramref name="aliasName"/> of <paramref name="modelName"/>.</summary>
    /// <returns>True when it existed.</returns>
    Task<bool> RemoveAliasAsync(string modelName, string aliasName, CancellationToken cancellationToken);

    /// <summary>Where a version's bundle can be read, as announced in <c>ModelRegistered</c>.</summary>
    Uri LocationOf(string modelName, string version);
}
