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
/// <c>"{name}/{version}"</c>, the card as JSON text, the ONNX file's SHA-256 and GridFS id) and the ONNX
/// files in the GridFS bucket <c>artifacts</c> (any size; the driver splits them into chunks). The file is
/// uploaded first and the version document inserted last, so a version that exists is complete.
/// </summary>
public sealed class MongoModelStore : IModelStore, IDisposable
{
    /// <summary>The versions' collection.</summary>
    public const string VersionsCollectionName = "model_versions";

    /// <summary>The GridFS bucket of ONNX files.</summary>
    public const string ArtifactBucketName = "artifacts";

    private readonly IMongoCollection<VersionDocument> _versions;
    private readonly GridFSBucket _artifacts;
    private readonly MongoIndexes _indexes;

    /// <summary>A store in <paramref name="database"/> (the Retrainer's database).</summary>
    public MongoModelStore(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _versions = database.GetCollection<VersionDocument>(VersionsCollectionName);
        _artifacts = new GridFSBucket(database, new GridFSBucketOptions { BucketName = ArtifactBucketName });
        _indexes = new MongoIndexes(CreateIndexesAsync);
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

    /// <summary>Releases the index set-up; the client belongs to the <see cref="MongoStore"/>.</summary>
    public void Dispose() => _indexes.Dispose();

    private static string Key(string modelName, string version) => $"{modelName}/{version}";

    private async Task CreateIndexesAsync(CancellationToken cancellationToken) =>
        await _versions.Indexes.CreateOneAsync(
            new CreateIndexModel<VersionDocument>(
                Builders<VersionDocument>.IndexKeys.Ascending(version => version.ModelName).Ascending(version => version.Version),
                new CreateIndexOptions { Name = "model_versions_by_name", Unique = true }),
            cancellationToken: cancellationToken);

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
    }
}
