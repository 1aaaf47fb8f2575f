using Modeling.Bundles;
using Modeling.Cards;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using ServiceDefaults.Storage;

namespace Retrainer.Registry;

/// <summary>
/// Model versions in MongoDB: one document per version in <c>model_versions</c> (<c>_id</c> =
/// <c>"{name}/{version}"</c>, the card as JSON text, the ONNX file's SHA-256 and GridFS id, its size, when it was
/// registered) and the ONNX files in the GridFS bucket <c>artifacts</c> (any size; the driver splits them into
/// chunks). The file is uploaded first and the version document inserted last, so a version that exists is
/// complete; a delete removes the document first and the file after. Aliases are one document each in
/// <c>model_aliases</c> (<c>_id</c> = <c>"{name}/{alias}"</c>), so every alias change is one atomic write.
/// </summary>
public sealed class MongoModelStore : IModelStore, IDisposable
{
    /// <summary>The versions' collection.</summary>
    public const string VersionsCollectionName = "model_versions";

    /// <summary>The GridFS bucket of ONNX files.</summary>
    public const string ArtifactBucketName = "artifacts";

    /// <summary>The aliases' collection.</summary>
    public const string AliasesCollectionName = "model_aliases";

    private readonly IMongoCollection<VersionDocument> _versions;
    private readonly IMongoCollection<AliasDocument> _aliases;
    private readonly GridFSBucket _artifacts;
    private readonly MongoIndexes _indexes;
    private readonly TimeProvider _time;

    /// <summary>A store in <paramref name="database"/> (the Retrainer's database).</summary>
    /// <param name="database">The Retrainer's database.</param>
    /// <param name="time">The clock that stamps registrations.</param>
    public MongoModelStore(IMongoDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _versions = database.GetCollection<VersionDocument>(VersionsCollectionName);
        _aliases = database.GetCollection<AliasDocument>(AliasesCollectionName);
        _artifacts = new GridFSBucket(database, new GridFSBucketOptions { BucketName = ArtifactBucketName });
        _indexes = new MongoIndexes(CreateIndexesAsync);
        _time = time;
    }

    /// <inheritdoc />
    public async Task<bool> AddAsync(ModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (ModelCardValidator.Validate(bundle.Card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The model card is invalid; nothing was stored: {string.Join("; ", errors)}");
        await _indexes.EnsureAsync(cancellationToken);
        var checkedBundle = bundle.WithChecksum();
        var key = Key(checkedBundle.Card.Name, checkedBundle.Card.Version);
        if (await _versions.Find(version => version.Id == key).AnyAsync(cancellationToken))
            return false;

        var artifactId = await _artifacts.UploadFromBytesAsync($"{key}/{checkedBundle.Card.Artifact.File}", checkedBundle.Onnx, cancellationToken: cancellationToken);
        try
        {
            await _versions.InsertOneAsync(
                new VersionDocument
                {
                    Id = key,
                    ModelName = checkedBundle.Card.Name,
                    Version = checkedBundle.Card.Version,
                    CardJson = ModelCardJson.Serialize(checkedBundle.Card),
                    ArtifactSha256 = ModelBundle.Sha256Of(checkedBundle.Onnx),
                    ArtifactId = artifactId,
                    Bytes = checkedBundle.Onnx.LongLength,
                    RegisteredAt = _time.GetUtcNow(),
                },
                cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Another instance stored the same version meanwhile: its copy stays, this upload goes.
            await _artifacts.DeleteAsync(artifactId, cancellationToken);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        using var names = await _versions.DistinctAsync(version => version.ModelName, FilterDefinition<VersionDocument>.Empty, cancellationToken: cancellationToken);
        return [.. (await names.ToListAsync(cancellationToken)).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> VersionsAsync(string modelName, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        return await _versions.Find(version => version.ModelName == modelName).Project(version => version.Version).ToListAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return null;
        var key = Key(modelName, version);
        var document = await _versions.Find(stored => stored.Id == key).FirstOrDefaultAsync(cancellationToken);
        if (document is null || ModelCardReader.Read(document.CardJson).Card is not { } card)
            return null;
        var onnx = await _artifacts.DownloadAsBytesAsync(document.ArtifactId, cancellationToken: cancellationToken);
        return ModelBundle.Sha256Of(onnx) == document.ArtifactSha256 ? new ModelBundle(card, onnx) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredVersion>> ListAsync(string modelName, CancellationToken cancellationToken)
    {
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _versions.Find(version => version.ModelName == modelName).ToListAsync(cancellationToken);
        return [.. documents.Select(Describe).OfType<StoredVersion>()];
    }

    /// <inheritdoc />
    public async Task<StoredVersion?> DescribeAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return null;
        var key = Key(modelName, version);
        var document = await _versions.Find(stored => stored.Id == key).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : Describe(document);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return false;
        var key = Key(modelName, version);
        // The document first: from then on the version does not exist. A crash before the file is deleted leaves
        // an orphaned GridFS file, never a listed version without its file.
        var deleted = await _versions.FindOneAndDeleteAsync(stored => stored.Id == key, cancellationToken: cancellationToken);
        if (deleted is null)
            return false;
        try
        {
            await _artifacts.DeleteAsync(deleted.ArtifactId, cancellationToken);
        }
        catch (GridFSFileNotFoundException)
        {
            // Deleted by a concurrent delete of the same version.
        }

        // The model's last version gone: its aliases (pointing nowhere) go too.
        if (!await _versions.Find(stored => stored.ModelName == modelName).AnyAsync(cancellationToken))
            await _aliases.DeleteManyAsync(alias => alias.ModelName == modelName, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelAlias>> AliasesAsync(string modelName, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName))
            return [];
        await _indexes.EnsureAsync(cancellationToken);
        var documents = await _aliases.Find(alias => alias.ModelName == modelName).SortBy(alias => alias.Alias).ToListAsync(cancellationToken);
        return [.. documents.Select(document => new ModelAlias(document.ModelName, document.Alias, document.Version, document.UpdatedAt))];
    }

    /// <inheritdoc />
    public async Task<bool> AddAliasAsync(ModelAlias entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _indexes.EnsureAsync(cancellationToken);
        try
        {
            await _aliases.InsertOneAsync(AliasDocument.Of(entry), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException exception) when (exception.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task SetAliasAsync(ModelAlias entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _indexes.EnsureAsync(cancellationToken);
        var document = AliasDocument.Of(entry);
        await _aliases.ReplaceOneAsync(stored => stored.Id == document.Id, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAliasAsync(string modelName, string aliasName, CancellationToken cancellationToken)
    {
        var key = Key(modelName, aliasName);
        var result = await _aliases.DeleteOneAsync(stored => stored.Id == key, cancellationToken);
        return result.DeletedCount > 0;
    }

    /// <inheritdoc />
    public Uri LocationOf(string modelName, string version) =>
        new($"urn:ml-platform:model:{Uri.EscapeDataString(modelName)}:{Uri.EscapeDataString(version)}");

    /// <summary>Releases the index set-up; the client belongs to the <see cref="MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private static string Key(string modelName, string version) => $"{modelName}/{version}";

    // A version document's card is the stored JSON; one that no longer reads (a card format change) is left out.
    private static StoredVersion? Describe(VersionDocument document) =>
        ModelCardReader.Read(document.CardJson).Card is { } card
            ? new StoredVersion(document.ModelName, document.Version, card, document.ArtifactSha256, document.Bytes,
                // Versions stored before registeredAt existed: their GridFS file id holds the upload time (seconds).
                document.RegisteredAt ?? new DateTimeOffset(document.ArtifactId.CreationTime, TimeSpan.Zero))
            : null;

    private async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        await _versions.Indexes.CreateOneAsync(
            new CreateIndexModel<VersionDocument>(
                Builders<VersionDocument>.IndexKeys.Ascending(version => version.ModelName).Ascending(version => version.Version),
                new CreateIndexOptions { Name = "model_versions_by_name", Unique = true }),
            cancellationToken: cancellationToken);
        // A model's aliases by name and alias, in alias order.
        await _aliases.Indexes.CreateOneAsync(
            new CreateIndexModel<AliasDocument>(
                Builders<AliasDocument>.IndexKeys.Ascending(alias => alias.ModelName).Ascending(alias => alias.Alias),
                new CreateIndexOptions { Name = "model_aliases_by_name", Unique = true }),
            cancellationToken: cancellationToken);
    }

    /// <summary>A stored version.</summary>
    internal sealed class VersionDocument
    {
        [BsonId] public required string Id { get; init; }

        [BsonElement("name")] public required string ModelName { get; init; }

        [BsonElement("version")] public required string Version { get; init; }

        [BsonElement("card")] public required string CardJson { get; init; }

        [BsonElement("sha256")] public required string ArtifactSha256 { get; init; }

        [BsonElement("artifactId")] public ObjectId ArtifactId { get; init; }

        [BsonElement("bytes")] public long Bytes { get; init; }

        [BsonElement("registeredAt")]
        [BsonRepresentation(BsonType.Document)]
        [BsonIgnoreIfNull]
        public DateTimeOffset? RegisteredAt { get; init; }
    }

    /// <summary>A stored alias.</summary>
    internal sealed class AliasDocument
    {
        [BsonId] public required string Id { get; init; }

        [BsonElement("name")] public required string ModelName { get; init; }

        [BsonElement("alias")] public required string Alias { get; init; }

        [BsonElement("version")] public required string Version { get; init; }

        [BsonElement("updatedAt")]
        [BsonRepresentation(BsonType.Document)]
        public DateTimeOffset UpdatedAt { get; init; }

        public static AliasDocument Of(ModelAlias alias) => new()
        {
            Id = Key(alias.ModelName, alias.Name),
            ModelName = alias.ModelName,
            Alias = alias.Name,
            Version = alias.Version,
            UpdatedAt = alias.UpdatedAt,
        };
    }
}
