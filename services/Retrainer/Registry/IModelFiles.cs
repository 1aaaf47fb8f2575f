using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// Where <see cref="ModelStore"/> keeps ONNX files and models' uploaded training datasets: the models folder (embedded) or
/// GridFS (MongoDB), each file named by the reference its writing returned.
/// </summary>
public interface IModelFiles
{
    /// <summary>Stores the bundle's ONNX file (the folder keeps its card too) and returns the file's reference.</summary>
    Task<string> WriteAsync(ModelBundle bundle, CancellationToken cancellationToken);

    /// <summary>Stores a model's training dataset, the bytes of <paramref name="content"/> as they are, and returns the file's reference.</summary>
    Task<string> WriteDatasetAsync(string modelName, Stream content, CancellationToken cancellationToken);

    /// <summary>The ONNX file <paramref name="file"/> names, or null when it is gone.</summary>
    Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken);

    /// <summary>The file <paramref name="file"/> names as a seekable stream from its start (the caller disposes it), or null when it is gone.</summary>
    Task<Stream?> OpenReadAsync(string file, CancellationToken cancellationToken);

    /// <summary>Deletes what <paramref name="file"/> names.</summary>
    Task DeleteAsync(string file, CancellationToken cancellationToken);

    /// <summary>Where a version's bundle can be read, as announced in <c>ModelRegistered</c>.</summary>
    Uri LocationOf(string modelName, string version);
}
