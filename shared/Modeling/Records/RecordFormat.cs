namespace Modeling.Records;

/// <summary>The file formats records are read from (a batch's input, a reference dataset) and a batch's results are written in.</summary>
public enum RecordFormat
{
    /// <summary>Comma-separated values with a header row (RFC 4180).</summary>
    Csv,

    /// <summary>One JSON object per line.</summary>
    JsonLines,

    /// <summary>Apache Parquet.</summary>
    Parquet,
}

/// <summary>Names, media types and file extensions of <see cref="RecordFormat"/>.</summary>
public static class RecordFormats
{
    /// <summary>The formats' names as the API accepts them in <c>format</c>: <c>csv</c>, <c>jsonl</c>, <c>parquet</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["csv", "jsonl", "parquet"];

    /// <summary>The name of <paramref name="format"/> (<c>csv</c>, <c>jsonl</c>, <c>parquet</c>).</summary>
    public static string NameOf(RecordFormat format) => format switch
    {
        RecordFormat.Csv => "csv",
        RecordFormat.JsonLines => "jsonl",
        _ => "parquet",
    };

    /// <summary>The media type results in <paramref name="format"/> are sent with.</summary>
    public static string MediaTypeOf(RecordFormat format) => format switch
    {
        RecordFormat.Csv => "text/csv",
        RecordFormat.JsonLines => "application/jsonl",
        _ => "application/vnd.apache.parquet",
    };

    /// <summary>The format a name (<c>csv</c>, <c>jsonl</c>/<c>ndjson</c>, <c>parquet</c>) stands for.</summary>
    public static RecordFormat? FromName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csv" => RecordFormat.Csv,
        "jsonl" or "ndjson" or "jsonlines" => RecordFormat.JsonLines,
        "parquet" => RecordFormat.Parquet,
        _ => null,
    };

    /// <summary>The format of a media type (<c>text/csv</c>, <c>application/jsonl</c>, <c>application/x-ndjson</c>, <c>application/vnd.apache.parquet</c>, …).</summary>
    public static RecordFormat? FromMediaType(string? mediaType) => mediaType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "text/csv" or "application/csv" => RecordFormat.Csv,
        "application/jsonl" or "application/x-jsonlines" or "application/x-ndjson" or "application/ndjson" or "application/jsonlines" => RecordFormat.JsonLines,
        "application/vnd.apache.parquet" or "application/parquet" or "application/x-parquet" => RecordFormat.Parquet,
        _ => null,
    };

    /// <summary>The format of a file name's extension (<c>.csv</c>, <c>.jsonl</c>/<c>.ndjson</c>, <c>.parquet</c>).</summary>
    public static RecordFormat? FromFileName(string? fileName) => Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
    {
        ".csv" => RecordFormat.Csv,
        ".jsonl" or ".ndjson" => RecordFormat.JsonLines,
        ".parquet" => RecordFormat.Parquet,
        _ => null,
    };
}
