using Modeling.Files;
using Modeling.Records;

namespace Retrainer.Endpoints;

/// <summary>The parts of a version upload: the card's JSON, the ONNX file and, when sent, the reference records.</summary>
internal sealed record VersionUploadParts(string CardJson, byte[] Onnx, UploadedReference? Reference) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Reference?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// A file of records uploaded (a version's reference, a model's training dataset): its name, its format, and its content in a
/// temporary file deleted when disposed.
/// </summary>
internal sealed class UploadedReference : IAsyncDisposable
{
    private UploadedReference(string name, RecordFormat format, FileStream content) => (Name, Format, Content) = (name, format, content);

    /// <summary>The file's name as sent, without a folder (kept in the reference statistics, or the training dataset's description).</summary>
    public string Name { get; }

    /// <summary>The records' format.</summary>
    public RecordFormat Format { get; }

    /// <summary>The records, positioned at the start.</summary>
    public FileStream Content { get; }

    /// <summary>Copies <paramref name="body"/> into a temporary file; null (and nothing kept) when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<UploadedReference?> ReadAsync(Stream body, string name, RecordFormat format, long maxBytes, CancellationToken cancellationToken)
    {
        var content = new FileStream(
            Path.Combine(Path.GetTempPath(), $"reference-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (content.Length + read > maxBytes)
                {
                    await content.DisposeAsync();
                    return null;
                }

                await content.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            content.Position = 0;
            // The name is only shown (kept in the statistics or the dataset's description); one that is not a plain file name is not kept.
            return new UploadedReference(PathSegments.IsPlain(Path.GetFileName(name)) ? Path.GetFileName(name) : "reference", format, content);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
