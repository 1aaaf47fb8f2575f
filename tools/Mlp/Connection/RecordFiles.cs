namespace Mlp.Connection;

/// <summary>The files of records the platform reads (batches, references, training datasets), by their extension.</summary>
public static class RecordFiles
{
    /// <summary>The media type <paramref name="file"/> is sent as: CSV, JSON Lines or Parquet; an <see cref="MlpException"/> for another extension.</summary>
    public static string MediaTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".csv" => "text/csv",
        ".jsonl" or ".ndjson" => "application/jsonl",
        ".parquet" => "application/vnd.apache.parquet",
        _ => throw new MlpException($"{file} must be a .csv, .jsonl or .parquet file."),
    };
}
