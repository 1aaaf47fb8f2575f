using Modeling.Bundles;
using Modeling.Cards;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Registry;

/// <summary>
/// The registry's store: a version is a document of <c>model_versions</c> (key <c>{name}/{version}</c>) naming its ONNX file
/// in <see cref="IModelFiles"/>, written first so a listed version is complete, of which only the card's reference and
/// metrics may change; an alias is a document of <c>model_aliases</c> (key <c>{name}/{alias}</c>); a model's uploaded
/// training dataset is a document of <c>training_datasets</c> (key <c>{name}</c>) naming its file in <see cref="IModelFiles"/>.
/// Which version serves is <see cref="ModelRegistry"/>'s rule.
/// </summary>
public sealed class ModelStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database, IModelFiles files)
{
    private readonly IDocuments<VersionDocument> _versions = database.Collection(new DocumentSchema<VersionDocument>
    {
        Name = "model_versions",
        Key = version => Key(version.Model, version.Version),
        Fields = [new("model", version => version.Model)],
        Indexes = [["model"]],
    });

    private readonly IDocuments<ModelAlias> _aliases = database.Collection(new DocumentSchema<ModelAlias>
    {
        Name = "model_aliases",
        Key = alias => Key(alias.ModelName, alias.Name),
        Fields = [new("model", alias => alias.ModelName)],
        Indexes = [["model"]],
    });

    private readonly IDocuments<TrainingDataset> _datasets = database.Collection(new DocumentSchema<TrainingDataset>
    {
        Name = "training_datasets",
        Key = dataset => dataset.Model,
    });

    /// <summary>Stores <paramref name="bundle"/> (its card's SHA-256 filled in) as registered at <paramref name="registeredAt"/>, unless that version is stored; true when it was new.</summary>
    /// <exception cref="InvalidOperationException">When the card is not valid.</exception>
    public async Task<bool> AddAsync(ModelBundle bundle, DateTimeOffset registeredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (ModelCardValidator.Validate(bundle.Card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The model card is invalid; nothing was stored: {string.Join("; ", errors)}");
        bundle = bundle.WithChecksum();
        var card = bundle.Card;
        if (await _versions.GetAsync(Key(card.Name, card.Version), cancellationToken) is not null)
            return false;
        var file = await files.WriteAsync(bundle, cancellationToken);
        return await _versions.InsertAsync(
            new VersionDocument(card.Name, card.Version, ModelCardJson.Serialize(card), card.Artifact.Sha256!, bundle.Onnx.LongLength, registeredAt, file), cancellationToken);
    }

    /// <summary>The names of the models that have a version, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken) =>
        [.. (await _versions.CountByAsync(DocumentQuery.All, "model", cancellationToken)).Keys.Order(StringComparer.Ordinal)];

    /// <summary>The versions of <paramref name="modelName"/>, in no particular order.</summary>
    public async Task<IReadOnlyList<string>> VersionsAsync(string modelName, CancellationToken cancellationToken) =>
        [.. (await _versions.ListAsync(DocumentQuery.Where("model", modelName), cancellationToken)).Select(version => version.Version)];

    /// <summary>A version's bundle when its card reads and its ONNX file has the stored checksum, else null.</summary>
    public async Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken) =>
        await DocumentAsync(modelName, version, cancellationToken) is { } stored && ModelCardReader.Read(stored.Card).Card is { } card
        && await files.ReadAsync(stored.File, cancellationToken) is { } onnx && ModelBundle.Sha256Of(onnx) == stored.Sha256
            ? new ModelBundle(card, onnx)
            : null;

    /// <summary>The versions of <paramref name="modelName"/> whose card reads, described without their ONNX files.</summary>
    public async Task<IReadOnlyList<StoredVersion>> ListAsync(string modelName, CancellationToken cancellationToken) =>
        [.. (await _versions.ListAsync(DocumentQuery.Where("model", modelName), cancellationToken)).Select(Describe).OfType<StoredVersion>()];

    /// <summary>One version described without its ONNX file, or null (no such version, or its card does not read).</summary>
    public async Task<StoredVersion?> DescribeAsync(string modelName, string version, CancellationToken cancellationToken) =>
        await DocumentAsync(modelName, version, cancellationToken) is { } stored ? Describe(stored) : null;

    /// <summary>Replaces the reference statistics in a version's card, and its metrics when given; false when there is no such version.</summary>
    public async Task<bool> SetReferenceAsync(string modelName, string version, ReferenceStatistics reference, TrainingMetrics? metrics, CancellationToken cancellationToken) =>
        await _versions.UpdateAsync(Key(modelName, version), stored => ModelCardReader.Read(stored.Card).Card is { } card
            ? stored with { Card = ModelCardJson.Serialize(card with { Reference = reference, Metrics = metrics ?? card.Metrics }) }
            : null, cancellationToken) is not null;

    /// <summary>Deletes a version, its document first; the model's aliases go with its last version. True when it existed.</summary>
    public async Task<bool> DeleteAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (await DocumentAsync(modelName, version, cancellationToken) is not { } stored || !await _versions.DeleteAsync(Key(modelName, version), cancellationToken))
            return false;
        await files.DeleteAsync(stored.File, cancellationToken);
        if (await _versions.ListAsync(DocumentQuery.Where("model", modelName).Take(1), cancellationToken) is [])
        {
            await _aliases.DeleteManyAsync(DocumentQuery.Where("model", modelName), cancellationToken);
            await DeleteTrainingDatasetAsync(modelName, cancellationToken);
        }

        return true;
    }

    /// <summary>Keeps <paramref name="content"/> as its model's training dataset, the file written first, then its document; the file it replaces goes last.</summary>
    public async Task<TrainingDataset> SetTrainingDatasetAsync(TrainingDataset dataset, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var replaced = await TrainingDatasetAsync(dataset.Model, cancellationToken);
        dataset = dataset with { File = await files.WriteDatasetAsync(dataset.Model, content, cancellationToken) };
        await _datasets.UpsertAsync(dataset, cancellationToken);
        if (replaced is not null)
            await files.DeleteAsync(replaced.File, cancellationToken);
        return dataset;
    }

    /// <summary>The model's training dataset, or null when it has none.</summary>
    public async Task<TrainingDataset?> TrainingDatasetAsync(string modelName, CancellationToken cancellationToken) =>
        (await _datasets.GetAsync(modelName, cancellationToken))?.Document;

    /// <summary>The file of <paramref name="dataset"/>, or null when it is gone.</summary>
    public Task<Stream?> OpenTrainingDatasetAsync(TrainingDataset dataset, CancellationToken cancellationToken) =>
        files.OpenReadAsync(dataset?.File ?? throw new ArgumentNullException(nameof(dataset)), cancellationToken);

    /// <summary>Deletes the model's training dataset, its document first; true when it had one.</summary>
    public async Task<bool> DeleteTrainingDatasetAsync(string modelName, CancellationToken cancellationToken)
    {
        if (await TrainingDatasetAsync(modelName, cancellationToken) is not { } dataset || !await _datasets.DeleteAsync(modelName, cancellationToken))
            return false;
        await files.DeleteAsync(dataset.File, cancellationToken);
        return true;
    }

    /// <summary>The aliases of <paramref name="modelName"/>, by alias name (the keys' order).</summary>
    public Task<IReadOnlyList<ModelAlias>> AliasesAsync(string modelName, CancellationToken cancellationToken) =>
        _aliases.ListAsync(DocumentQuery.Where("model", modelName), cancellationToken);

    /// <summary>Creates <paramref name="entry"/> unless the model has an alias of that name; true when it was created.</summary>
    public Task<bool> AddAliasAsync(ModelAlias entry, CancellationToken cancellationToken) => _aliases.InsertAsync(entry, cancellationToken);

    /// <summary>Creates <paramref name="entry"/> or moves the alias of that name.</summary>
    public Task SetAliasAsync(ModelAlias entry, CancellationToken cancellationToken) => _aliases.UpsertAsync(entry, cancellationToken);

    /// <summary>Removes an alias; true when it existed.</summary>
    public Task<bool> RemoveAliasAsync(string modelName, string aliasName, CancellationToken cancellationToken) =>
        _aliases.DeleteAsync(Key(modelName, aliasName), cancellationToken);

    /// <summary>Where a version's bundle can be read, as announced in <c>ModelRegistered</c>.</summary>
    public Uri LocationOf(string modelName, string version) => files.LocationOf(modelName, version);

    private static string Key(string modelName, string name) => $"{modelName}/{name}";

    private static StoredVersion? Describe(VersionDocument stored) =>
        ModelCardReader.Read(stored.Card).Card is { } card ? new StoredVersion(stored.Model, stored.Version, card, stored.Sha256, stored.Bytes, stored.RegisteredAt) : null;

    private async Task<VersionDocument?> DocumentAsync(string modelName, string version, CancellationToken cancellationToken) =>
        (await _versions.GetAsync(Key(modelName, version), cancellationToken))?.Document;

    /// <summary>A stored version: its card as JSON text, the ONNX file's SHA-256 and size, when it was registered, the file's reference.</summary>
    private sealed record VersionDocument(string Model, string Version, string Card, string Sha256, long Bytes, DateTimeOffset RegisteredAt, string File);
}
