using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// The registry's store of model versions: each version's bundle (model card and ONNX file) under its model's
/// name. A version, once stored, never changes: adding it again is a no-op.
/// </summary>
/// <remarks>
/// The embedded store is the models folder (<see cref="FolderModelStore"/>: <c>{ModelsFolder}/{name}/{version}/</c>,
/// where training writes bundles); in production, MongoDB (<see cref="MongoModelStore"/>: cards in a collection,
/// ONNX files in GridFS). Both pass the contract tests in <c>Retrainer.Tests/Registry/ModelStoreContract</c>.
/// </remarks>
public interface IModelStore
{
    /// <summary>Stores <paramref name="bundle"/> (its card's name and version) unless that version is stored already.</summary>
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
}
