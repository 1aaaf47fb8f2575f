namespace FeatureBuilder.Batches;

/// <summary>The file formats a batch reads and its results are written in.</summary>
public enum BatchFormat
{
    /// <summary>Comma-separated values with a header row (RFC 4180).</summary>
    Csv,

    /// <summary>One JSON object per line.</summary>
    JsonLines,

    /// <summary>Apache Parquet.</summary>
    Parquet,
}

/// <summary>Names, media types and file extensions of <see cref="BatchFormat"/>.</summary>
public static class BatchFormats
{
    /// <summary>The formats' names as the API accepts them in <c>format</c>: <c>csv</c>, <c>jsonl</c>, <c>parquet</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["csv", "jsonl", "parquet"];

    /// <summary>The name of <paramref name="format"/> (<c>csv</c>, <c>jsonl</c>, <c>parquet</c>).</summary>
    public static string NameOf(BatchFormat format) => format switch
    {
        BatchFormat.Csv => "csv",
        BatchFormat.JsonLines => "jsonl",
        _ => "parquet",
    };

    /// <summary>The media type results in <paramref name="format"/> are sent with.</summary>
    public static string MediaTypeOf(BatchFormat format) => format switch
    {
        BatchFormat.Csv => "text/csv",
        BatchFormat.JsonLines => "application/jsonl",
        _ => "application/vnd.apache.parquet",
    };

    /// <summary>The format a name (<c>csv</c>, <c>jsonl</c>/<c>ndjson</c>, <c>parquet</c>) stands for.</summary>
    public static BatchFormat? FromName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csv" => BatchFormat.Csv,
        "jsonl" or "ndjson" or "jsonlines" => BatchFormat.JsonLines,
        "parquet" => BatchFormat.Parquet,
        _ => null,
    };

    /// <summary>The format of a media type (<c>text/csv</c>, <c>application/jsonl</c>, <c>application/x-ndjson</c>, <c>application/vnd.apache.parquet</c>, …).</summary>
    public static BatchFormat? FromMediaType(string? mediaType) => mediaType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "text/csv" or "application/csv" => BatchFormat.Csv,
        "application/jsonl" or "application/x-jsonlines" or "application/x-ndjson" or "application/ndjson" or "application/jsonlines" => BatchFormat.JsonLines,
        "application/vnd.apache.parquet" or "application/parquet" or "application/x-parquet" => BatchFormat.Parquet,
        _ => null,
    };

    /// <summary>The format of a file name's extension (<c>.csv</c>, <c>.jsonl</c>/<c>.ndjson</c>, <c>.parquet</c>).</summary>
    public static BatchFormat? FromFileName(string? fileName) => Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
    {
        ".csv" => BatchFormat.Csv,
        ".jsonl" or ".ndjson" => BatchFormat.JsonLines,
        ".parquet" => BatchFormat.Parquet,
        _ => null,
    };
}
