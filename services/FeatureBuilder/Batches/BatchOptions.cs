using Modeling.Records;
using ServiceDefaults;

namespace FeatureBuilder.Batches;

/// <summary>
/// How FeatureBuilder runs batches. Section <c>Batches</c>; every key also as an environment variable
/// (<c>Batches__ChunkSize</c>, …).
/// </summary>
public sealed class BatchOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Batches";

    /// <summary>Valid rows per chunk sent to Inference (hundreds to thousands). Default 5000.</summary>
    public int ChunkSize { get; set; } = 5000;

    /// <summary>
    /// Chunks a batch may have sent but not yet scored; the reader waits beyond it, so a fast reader does not
    /// pile a whole file into the broker. Default 16.
    /// </summary>
    public int MaxChunksInFlight { get; set; } = 16;

    /// <summary>Batches read at the same time by one FeatureBuilder instance (others wait, queued). Default 2.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>Where uploaded inputs are stored until their batch is deleted. Default <c>.data/batches</c>.</summary>
    public string UploadFolder { get; set; } = Path.Combine(".data", "batches");

    /// <summary>
    /// A folder of input files a batch may name instead of uploading one (<c>{"inputFile": "flights-3m.parquet"}</c>);
    /// unset (the default) turns naming files off. Only files directly in it can be named.
    /// </summary>
    public string? InputFolder { get; set; }

    /// <summary>Largest upload accepted, in bytes. Default 10 GiB.</summary>
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How long a finished (completed or failed) batch is kept before it is deleted with its results. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expired batches are looked for. Default 10 minutes.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest record of an input: a CSV record or field, or a JSON Lines line, in bytes. A longer CSV record fails the
    /// batch (past it, where the next record starts cannot be told); a longer JSON line is an invalid row, skipped unread.
    /// Default 1 MiB.
    /// </summary>
    public int MaxRecordBytes { get; set; } = RecordLimits.DefaultMaxRecordBytes;

    /// <summary>
    /// The most values (rows × columns) one Parquet row group of an input may hold, checked before it is read (the reader
    /// holds one row group at a time); a larger one fails the batch. Default 33,554,432.
    /// </summary>
    public long MaxRowGroupValues { get; set; } = RecordLimits.DefaultMaxRowGroupValues;

    /// <summary>
    /// How many times reading a batch may start without reaching the end of its input (the service stopped or crashed while
    /// reading it, or the broker or the store failed) before the batch fails instead of being resumed again. Default 3.
    /// </summary>
    public int MaxReadAttempts { get; set; } = 3;

    /// <summary>The record limits of inputs, from <see cref="MaxRecordBytes"/> and <see cref="MaxRowGroupValues"/>.</summary>
    public RecordLimits RecordLimits => new(MaxRecordBytes, MaxRowGroupValues, SectionName);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        foreach (var error in RecordLimits.Errors(SectionName, MaxRecordBytes, MaxRowGroupValues))
            yield return error;
        if (MaxReadAttempts <= 0)
            yield return "Batches:MaxReadAttempts must be positive.";
        if (ChunkSize is <= 0 or > 100_000)
            yield return "Batches:ChunkSize must be between 1 and 100000.";
        if (MaxChunksInFlight <= 0)
            yield return "Batches:MaxChunksInFlight must be positive.";
        if (MaxConcurrentBatches <= 0)
            yield return "Batches:MaxConcurrentBatches must be positive.";
        if (string.IsNullOrWhiteSpace(UploadFolder))
            yield return "Batches:UploadFolder must name a folder.";
        if (MaxUploadBytes <= 0)
            yield return "Batches:MaxUploadBytes must be positive.";
        if (Retention <= TimeSpan.Zero)
            yield return "Batches:Retention must be positive.";
        if (RetentionSweepInterval <= TimeSpan.Zero)
            yield return "Batches:RetentionSweepInterval must be positive.";
    }
}
