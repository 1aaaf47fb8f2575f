using Modeling.Bundles;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;

namespace Retrainer.Registry;

/// <summary>
/// ONNX files and training datasets in the GridFS bucket <c>artifacts</c> of the Retrainer's MongoDB database (any size);
/// a file's reference is its GridFS id.
/// </summary>
public sealed class GridFsModelFiles(IMongoDatabase database) : IModelFiles
{
    private readonly GridFSBucket _bucket = new(database, new GridFSBucketOptions { BucketName = "artifacts" });

    public async Task<string> WriteAsync(ModelBundle bundle, CancellationToken cancellationToken) =>
        (await _bucket.UploadFromBytesAsync($"{bundle.Card.Name}/{bundle.Card.Version}/{bundle.Card.Artifact.File}", bundle.Onnx, cancellationToken: cancellationToken)).ToString();

    public async Task<string> WriteDatasetAsync(string modelName, Stream content, CancellationToken cancellationToken) =>
        (await _bucket.UploadFromStreamAsync($"{modelName}/training-dataset", content, cancellationToken: cancellationToken)).ToString();

    public async Task<Stream?> OpenReadAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return await _bucket.OpenDownloadStreamAsync(ObjectId.Parse(file), new GridFSDownloadOptions { Seekable = true }, cancellationToken);
        }
        catch (GridFSFileNotFoundException)
        {
            return null; // Deleted meanwhile: gone, as IModelFiles says.
        }
    }

    public async Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return await _bucket.DownloadAsBytesAsync(ObjectId.Parse(file), cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is GridFSFileNotFoundException or GridFSChunkException)
        {
            return null; // Deleted (or being deleted) meanwhile: gone, as IModelFiles says.
        }
    }

    public Task DeleteAsync(string file, CancellationToken cancellationToken) => _bucket.DeleteAsync(ObjectId.Parse(file), cancellationToken);

    public Uri LocationOf(string modelName, string version) => new($"urn:ml-platform:model:{Uri.EscapeDataString(modelName)}:{Uri.EscapeDataString(version)}");
}
