using System.Text.Json.Serialization;
using Contracts.Serialization;
using Modeling.Records;

namespace FeatureBuilder.Batches;

/// <summary>
/// A batch as stored: what to score with which model version, where the input is, and how far it got.
/// Counters only grow; <see cref="TotalChunks"/> is known once the whole input was read. Its methods are the rules
/// of a batch's life: each returns the batch changed (or this one when nothing changes), which the store writes back.
/// </summary>
/// <param name="Id">The batch id (UUID v7).</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version the batch is pinned to: the served one when it was submitted.</param>
/// <param name="CardJson">That version's model card, so the batch is featurized by it even after a restart or a version switch.</param>
/// <param name="Format">The input's format.</param>
/// <param name="InputName">The input as the client named it (the uploaded file's name or the input-folder file).</param>
/// <param name="InputPath">Where FeatureBuilder reads the input from.</param>
/// <param name="IsUploaded">Whether the input is a stored upload (deleted with the batch) rather than a file of the input folder.</param>
/// <param name="State">Where the batch is.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="StartedAt">When reading started, or null.</param>
/// <param name="FinishedAt">When it completed or failed, or null.</param>
/// <param name="ExpiresAt">When the retention deletes it: set when it finishes, null before.</param>
/// <param name="RowsRead">Input rows read so far (valid and invalid).</param>
/// <param name="RowsInvalid">Input rows refused with field errors so far.</param>
/// <param name="RowsScored">Rows whose results are stored.</param>
/// <param name="EstimatedRows">The input's row count as far as known: exact for Parquet and once read, else estimated from the bytes read; null before reading.</param>
/// <param name="ChunksPublished">Chunks sent to Inference so far (chunk indexes below it are sent).</param>
/// <param name="ChunksScored">Chunks whose results are stored.</param>
/// <param name="TotalChunks">The number of chunks, once the whole input was read; else null.</param>
/// <param name="Error">Why the batch failed, or null.</param>
/// <param name="ChunksScoredAhead">
/// The scored chunks beyond the first one not scored yet, in order, or null when none: every chunk below
/// <see cref="ChunksScored"/> minus their count is scored. So each chunk is counted once, however often it arrives.
/// </param>
/// <param name="ReadAttempts">How many times reading started (the first time and each resumption); the batch fails past <c>Batches:MaxReadAttempts</c>.</param>
public sealed record Batch(
    Guid Id,
    string ModelName,
    string ModelVersion,
    string CardJson,
    RecordFormat Format,
    string InputName,
    string InputPath,
    bool IsUploaded,
    BatchState State,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt,
    long RowsRead,
    long RowsInvalid,
    long RowsScored,
    long? EstimatedRows,
    int ChunksPublished,
    int ChunksScored,
    int? TotalChunks,
    string? Error,
    int[]? ChunksScoredAhead = null,
    int ReadAttempts = 0)
{
    /// <summary>A batch just accepted: queued, nothing read.</summary>
    public static Batch Submitted(
        Guid id, string modelName, string modelVersion, string cardJson, RecordFormat format, string inputName, string inputPath, bool isUploaded, DateTimeOffset submittedAt) =>
        new(id, modelName, modelVersion, cardJson, format, inputName, inputPath, isUploaded, BatchState.Queued, submittedAt,
            null, null, null, 0, 0, 0, null, 0, 0, null, null);

    /// <summary>Whether it completed or failed (nothing more will happen to it).</summary>
    [JsonIgnore]
    public bool IsFinished => State is BatchState.Completed or BatchState.Failed;

    // The chunks 0 to this one (excluded) are all scored.
    private int ChunksScoredInOrder => ChunksScored - (ChunksScoredAhead?.Length ?? 0);

    /// <summary>Whether chunk <paramref name="chunkIndex"/>'s results are counted.</summary>
    public bool HasScored(int chunkIndex) => chunkIndex < ChunksScoredInOrder || (ChunksScoredAhead?.Contains(chunkIndex) ?? false);

    /// <summary>
    /// Running, since <paramref name="at"/> unless it started before (a resumed batch), with one more read attempt unless its
    /// input was read to the end already; a finished batch stays as it is.
    /// </summary>
    public Batch Started(DateTimeOffset at) =>
        IsFinished ? this : this with { State = BatchState.Running, StartedAt = StartedAt ?? at, ReadAttempts = TotalChunks is null ? ReadAttempts + 1 : ReadAttempts };

    /// <summary>With how far reading got; no counter goes back (a resumed reader repeats earlier checkpoints).</summary>
    public Batch Checkpointed(BatchCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return this with
        {
            ChunksPublished = Math.Max(ChunksPublished, checkpoint.ChunksPublished),
            RowsRead = Math.Max(RowsRead, checkpoint.RowsRead),
            RowsInvalid = Math.Max(RowsInvalid, checkpoint.RowsInvalid),
            EstimatedRows = checkpoint.EstimatedRows ?? EstimatedRows,
        };
    }

    /// <summary>
    /// With the last checkpoint and so the number of chunks (the whole input was read); completed at
    /// <paramref name="now"/> when every chunk is scored already.
    /// </summary>
    public Batch ReadToEnd(BatchCheckpoint checkpoint, DateTimeOffset now, TimeSpan retention)
    {
        var read = Checkpointed(checkpoint);
        return (read with { TotalChunks = read.ChunksPublished }).CompletedIfDone(now, retention);
    }

    /// <summary>
    /// With chunk <paramref name="chunkIndex"/> and its <paramref name="rows"/> counted, unless they are already;
    /// completed at <paramref name="now"/> when reading is finished and it was the last chunk.
    /// </summary>
    public Batch WithChunk(int chunkIndex, int rows, DateTimeOffset now, TimeSpan retention)
    {
        if (HasScored(chunkIndex))
            return this;
        var inOrder = ChunksScoredInOrder;
        var ahead = (ChunksScoredAhead ?? []).Append(chunkIndex).Order().ToList();
        while (ahead.Count > 0 && ahead[0] == inOrder)
        {
            ahead.RemoveAt(0);
            inOrder++;
        }

        return (this with { ChunksScored = ChunksScored + 1, RowsScored = RowsScored + rows, ChunksScoredAhead = ahead.Count == 0 ? null : [.. ahead] })
            .CompletedIfDone(now, retention);
    }

    /// <summary>Failed with <paramref name="reason"/> at <paramref name="now"/>; a finished batch stays as it is.</summary>
    public Batch Failed(string reason, DateTimeOffset now, TimeSpan retention) =>
        IsFinished ? this : this with { State = BatchState.Failed, Error = reason, FinishedAt = now, ExpiresAt = now + retention };

    // Completed once reading is finished and every chunk is scored; kept for the retention from then.
    private Batch CompletedIfDone(DateTimeOffset now, TimeSpan retention) =>
        !IsFinished && TotalChunks is { } total && ChunksScored >= total
            ? this with { State = BatchState.Completed, FinishedAt = now, ExpiresAt = now + retention }
            : this;
}

/// <summary>How far reading got, stored after each chunk is sent (and once at the end of the input).</summary>
/// <param name="ChunksPublished">Chunks sent so far.</param>
/// <param name="RowsRead">Rows read so far.</param>
/// <param name="RowsInvalid">Rows refused so far.</param>
/// <param name="EstimatedRows">The input's row count as far as known.</param>
/// <param name="InvalidRows">The rows refused since the last checkpoint (stored once per row number).</param>
public sealed record BatchCheckpoint(int ChunksPublished, long RowsRead, long RowsInvalid, long? EstimatedRows, IReadOnlyList<InvalidRow> InvalidRows);

/// <summary>An input row refused with its field errors.</summary>
/// <param name="RowNumber">The input row number (1 = the first data row).</param>
/// <param name="Errors">What is wrong with it, by field.</param>
public sealed record InvalidRow(long RowNumber, IReadOnlyList<Modeling.Features.FieldError> Errors);

/// <summary>The stored results of one scored chunk, in input order.</summary>
/// <param name="ChunkIndex">The chunk's position.</param>
/// <param name="RowNumbers">The input row number of each row.</param>
/// <param name="EntityKeys">Each row's entity key, or null when the input has none.</param>
/// <param name="Labels">Each row's predicted label, or null.</param>
/// <param name="Probabilities">Each row's probability, or null.</param>
/// <param name="Values">Each row's value, or null.</param>
public sealed record ChunkResults(
    int ChunkIndex,
    long[] RowNumbers,
    string?[]? EntityKeys,
    string?[]? Labels,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[]? Probabilities,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[]? Values);
