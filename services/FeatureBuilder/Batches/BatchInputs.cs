using Microsoft.Extensions.Options;
using Modeling.Files;
using Modeling.Records;
using Modeling.Text;

namespace FeatureBuilder.Batches;

/// <summary>
/// Where batch inputs live: uploads are written (streamed, never held in memory) to
/// <see cref="BatchOptions.UploadFolder"/> and deleted with their batch; named inputs are files directly in
/// <see cref="BatchOptions.InputFolder"/>, read in place and never deleted.
/// </summary>
public sealed class BatchInputs(IOptions<BatchOptions> options)
{
    /// <summary>
    /// Writes an upload to its file. The file appears under its final name only once complete, so a batch
    /// never reads half an upload.
    /// </summary>
    /// <returns>The file's path and size.</returns>
    public async Task<(string Path, long Bytes)> SaveUploadAsync(Guid batchId, RecordFormat format, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var folder = Path.GetFullPath(options.Value.UploadFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{batchId:N}.{RecordFormats.NameOf(format)}");
        var partial = path + ".partial";
        try
        {
            long bytes;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await body.CopyToAsync(file, 1 << 20, cancellationToken);
                await file.FlushAsync(cancellationToken);
                bytes = file.Length;
            }

            File.Move(partial, path);
            return (path, bytes);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>The path of a file of the input folder, or an error saying why the name cannot be used.</summary>
    public string? ResolveInputFile(string name, out string? error)
    {
        error = null;
        if (options.Value.InputFolder is not { Length: > 0 } folder)
        {
            error = "Naming an input file is turned off: set Batches:InputFolder (env Batches__InputFolder) to allow it, or upload the file.";
            return null;
        }

        // Only a plain file name: never a path that climbs out of the folder.
        if (PathSegments.Problem(name) is { } problem)
        {
            error = $"'{UserText.Shown(name)}' is not a file name: it {problem}. Name a file directly in the input folder, without a path.";
            return null;
        }

        var path = PathSegments.Combine(Path.GetFullPath(folder), name);
        if (!File.Exists(path))
        {
            error = $"There is no file '{name}' in the input folder.";
            return null;
        }

        return path;
    }

    /// <summary>
    /// Why the input at <paramref name="path"/> cannot make a batch, told without reading its rows; null when nothing is known
    /// against it. Only Parquet says this much up front: its footer must read, and no row group may hold more values than
    /// <see cref="BatchOptions.MaxRowGroupValues"/>. CSV and JSON Lines are checked as they are read.
    /// </summary>
    public async Task<string?> ProblemAsync(string path, RecordFormat format, CancellationToken cancellationToken)
    {
        if (format != RecordFormat.Parquet)
            return null;
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await new ParquetRecordReader(options.Value.RecordLimits).CheckAsync(input, cancellationToken);
            return null;
        }
        catch (InvalidDataException exception)
        {
            return exception.Message;
        }
    }

    /// <summary>Deletes the batch's uploaded input (not a named input-folder file).</summary>
    public void DeleteUpload(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // File.Delete ignores a missing file but throws for a missing folder; either way there is nothing left to delete.
        if (batch.IsUploaded && File.Exists(batch.InputPath))
            File.Delete(batch.InputPath);
    }
}
