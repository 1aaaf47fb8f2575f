using Modeling.Records;

namespace FeatureBuilder.Batches;

/// <summary>A batch as the API shows it (<c>GET /api/v1/models/{model}/batches/{id}</c>).</summary>
/// <param name="Id">The batch id.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version the batch is scored with.</param>
/// <param name="State"><c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Input">The input's name and format.</param>
/// <param name="Rows">Rows read, invalid, scored, and the input's row count as far as known.</param>
/// <param name="Chunks">Chunks sent to Inference, scored, and their total once the input is read.</param>
/// <param name="RowsPerSecond">Rows scored per second since the batch started, or null before.</param>
/// <param name="EstimatedSecondsLeft">Time left at that rate, when the row count is known or estimated; 0 when finished.</param>
/// <param name="SubmittedAt">When it was accepted.</param>
/// <param name="StartedAt">When reading started.</param>
/// <param name="FinishedAt">When it completed or failed.</param>
/// <param name="ExpiresAt">When it will be deleted with its results.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Links">Where its status, results and invalid rows are.</param>
public sealed record BatchStatus(
    Guid Id,
    string ModelName,
    string ModelVersion,
    string State,
    BatchInputStatus Input,
    BatchRowCounts Rows,
    BatchChunkCounts Chunks,
    double? RowsPerSecond,
    double? EstimatedSecondsLeft,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt,
    string? Error,
    BatchLinks Links)
{
    /// <summary>The status of <paramref name="batch"/> at <paramref name="now"/>.</summary>
    public static BatchStatus Of(Batch batch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var elapsed = ((batch.FinishedAt ?? now) - (batch.StartedAt ?? now)).TotalSeconds;
        double? rate = batch.StartedAt is null ? null : elapsed > 0 ? Math.Round(batch.RowsScored / elapsed, 1) : 0;
        double? left = batch.IsFinished ? 0
            : rate is > 0 && batch.EstimatedRows is { } total ? Math.Round(Math.Max(0, total - batch.RowsInvalid - batch.RowsScored) / rate.Value, 1)
            : null;
        var self = $"/api/v1/models/{Uri.EscapeDataString(batch.ModelName)}/batches/{batch.Id}";
        return new BatchStatus(
            batch.Id,
            batch.ModelName,
            batch.ModelVersion,
            batch.State.ToString().ToLowerInvariant(),
            new BatchInputStatus(batch.InputName, RecordFormats.NameOf(batch.Format), batch.IsUploaded),
            new BatchRowCounts(batch.RowsRead, batch.RowsInvalid, batch.RowsScored, batch.EstimatedRows),
            new BatchChunkCounts(batch.ChunksPublished, batch.ChunksScored, batch.TotalChunks),
            rate,
            left,
            batch.SubmittedAt,
            batch.StartedAt,
            batch.FinishedAt,
            batch.ExpiresAt,
            batch.Error,
            new BatchLinks(self, self + "/results", self + "/errors"));
    }
}

/// <summary>A batch's input.</summary>
/// <param name="Name">The uploaded file's name or the input-folder file.</param>
/// <param name="Format"><c>csv</c>, <c>jsonl</c> or <c>parquet</c>.</param>
/// <param name="Uploaded">Whether it was uploaded (and is deleted with the batch).</param>
public sealed record BatchInputStatus(string Name, string Format, bool Uploaded);

/// <summary>A batch's row counts.</summary>
/// <param name="Read">Rows read so far.</param>
/// <param name="Invalid">Rows refused with field errors (see the errors download).</param>
/// <param name="Scored">Rows scored and stored.</param>
/// <param name="Total">The input's row count: exact for Parquet and once read, else estimated; null before reading.</param>
public sealed record BatchRowCounts(long Read, long Invalid, long Scored, long? Total);

/// <summary>A batch's chunk counts.</summary>
/// <param name="Sent">Chunks sent to Inference.</param>
/// <param name="Scored">Chunks scored and stored.</param>
/// <param name="Total">All chunks, once the input is read.</param>
public sealed record BatchChunkCounts(int Sent, int Scored, int? Total);

/// <summary>A batch's links.</summary>
/// <param name="Self">Its status.</param>
/// <param name="Results">Its results (once completed).</param>
/// <param name="Errors">Its invalid rows.</param>
public sealed record BatchLinks(string Self, string Results, string Errors);

/// <summary>The batches of a model (<c>GET /api/v1/models/{model}/batches</c>), newest first.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Batches">Its batches.</param>
public sealed record BatchList(string ModelName, IReadOnlyList<BatchStatus> Batches);
