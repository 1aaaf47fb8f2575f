using System.Threading.Channels;
using Contracts.Batches;
using MassTransit;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Modeling.Text;

namespace FeatureBuilder.Batches;

/// <summary>
/// Reads batches: featurizes the input by the batch's pinned model card, sends each chunk to Inference
/// (<see cref="ScoreBatchChunk"/> on the <c>score-batch-chunk</c> queue) and checkpoints after each one. At
/// start it resumes every unfinished batch: the input is read again from the top, and chunks already sent
/// are skipped (a chunk sent just before a crash, but not checkpointed, is sent again; its results are
/// stored once). A batch whose input cannot be read (not in its format, or a record beyond <see cref="BatchOptions.RecordLimits"/>)
/// fails with the reason; one whose reading started <see cref="BatchOptions.MaxReadAttempts"/> times without reaching the
/// end fails instead of being resumed again, so no input makes every start of the service read it anew.
/// </summary>
public sealed partial class BatchRunner(
    BatchStore store,
    IBus bus,
    IOptions<BatchOptions> options,
    IOptions<FeatureBuilderOptions> featureBuilderOptions,
    TimeProvider time,
    FeatureBuilderMetrics metrics,
    ILogger<BatchRunner> logger) : BackgroundService
{
    /// <summary>The queue Inference scores chunks from (the kebab-case name of its consumer).</summary>
    public const string ChunkQueue = "score-batch-chunk";

    private static readonly TimeSpan InFlightPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();

    /// <summary>Queues a stored batch for reading.</summary>
    public void Enqueue(Guid batchId) => _queue.Writer.TryWrite(batchId);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var unfinished in await ResumableAsync(stoppingToken))
        {
            LogResuming(unfinished.Id, unfinished.ChunksPublished);
            Enqueue(unfinished.Id);
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentBatches, CancellationToken = stoppingToken };
        try
        {
            await Parallel.ForEachAsync(_queue.Reader.ReadAllAsync(stoppingToken), parallel, async (batchId, cancellationToken) => await RunAsync(batchId, cancellationToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: unfinished batches are resumed by the next start.
        }
    }

    private async Task<IReadOnlyList<Batch>> ResumableAsync(CancellationToken cancellationToken)
    {
        // The store may not answer yet (MongoDB starting next to the service): keep trying until it does.
        while (true)
        {
            try
            {
                return await store.ListUnfinishedAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogStoreUnavailable(exception);
                await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken);
            }
        }
    }

    private async Task RunAsync(Guid batchId, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            if (await store.UpdateAsync(batchId, stored => stored.Started(now), cancellationToken) is not { } batch || batch.IsFinished)
                return;
            if (batch.TotalChunks is null && batch.ReadAttempts > options.Value.MaxReadAttempts)
            {
                await FailAsync(batchId, $"Reading the input started {batch.ReadAttempts - 1} times and never reached its end (the service stopped, or the broker or the store failed, while it was read); it is not resumed again (Batches:MaxReadAttempts).");
                return;
            }

            await ReadAsync(batch, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            await FailAsync(batchId, exception.Message);
        }
        catch (FileNotFoundException)
        {
            await FailAsync(batchId, "The batch's input file is gone.");
        }
        catch (BatchDeletedException)
        {
            LogDeleted(batchId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            // Unexpected (the broker or the store away for longer than their retries): the batch stays running
            // and is resumed by the next start; say so loudly.
            LogFailedToRun(batchId, exception);
        }
    }

    private async Task ReadAsync(Batch batch, CancellationToken cancellationToken)
    {
        var read = ModelCardReader.Read(batch.CardJson);
        if (read.Card is not { } card)
            throw new InvalidDataException($"The batch's model card cannot be read: {string.Join("; ", read.Errors)}");

        var settings = options.Value;
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{ChunkQueue}"));
        await using var input = new FileStream(batch.InputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var alreadySent = batch.ChunksPublished;
        var chunksScored = batch.ChunksScored;
        var featurizer = Featurizer.Create(card);
        BatchChunker? chunker = null;
        chunker = new BatchChunker(featurizer, settings.ChunkSize, featureBuilderOptions.Value.EntityKeyField, async (chunk, token) =>
        {
            if (chunk.Index < alreadySent)
                return;
            chunksScored = await WaitForRoomAsync(batch.Id, chunk.Index, chunksScored, settings.MaxChunksInFlight, token);
            await endpoint.Send(
                new ScoreBatchChunk(batch.Id, chunk.Index, batch.ModelName, batch.ModelVersion, featurizer.Width, chunk.Features, chunk.RowNumbers,
                    chunk.EntityKeys, batch.SubmittedAt),
                token);
            var checkpoint = new BatchCheckpoint(chunk.Index + 1, chunk.RowsRead, chunk.RowsInvalid, EstimateRows(chunker!, input), chunk.InvalidRows);
            _ = await store.CheckpointAsync(batch.Id, checkpoint, token) ?? throw new BatchDeletedException();
        },
        async (invalid, token) =>
        {
            var checkpoint = new BatchCheckpoint(chunker!.ChunkIndex, invalid.RowsRead, invalid.RowsInvalid, EstimateRows(chunker, input), invalid.InvalidRows);
            _ = await store.CheckpointAsync(batch.Id, checkpoint, token) ?? throw new BatchDeletedException();
        });

        await RecordReaders.For(batch.Format, settings.RecordLimits).ReadAsync(input, chunker, cancellationToken);
        var lastInvalid = await chunker.CompleteAsync(cancellationToken);
        var finished = new BatchCheckpoint(chunker.ChunkIndex, chunker.RowsRead, chunker.RowsInvalid, chunker.RowsRead, lastInvalid);
        var done = await store.FinishReadingAsync(batch.Id, finished, time.GetUtcNow(), settings.Retention, cancellationToken)
            ?? throw new BatchDeletedException();
        metrics.BatchRead(batch.ModelName, done.RowsRead, done.RowsInvalid);
        LogRead(batch.Id, done.RowsRead, done.RowsInvalid, done.TotalChunks ?? 0);
    }

    // Waits until fewer than maxInFlight sent chunks are unscored; reads the store only while at the limit.
    private async Task<int> WaitForRoomAsync(Guid batchId, int nextIndex, int chunksScored, int maxInFlight, CancellationToken cancellationToken)
    {
        while (nextIndex - chunksScored >= maxInFlight)
        {
            await Task.Delay(InFlightPollInterval, time, cancellationToken);
            var batch = await store.FindAsync(batchId, cancellationToken) ?? throw new BatchDeletedException();
            chunksScored = batch.ChunksScored;
        }

        return chunksScored;
    }

    // Exact when the reader said so (Parquet); else extrapolated from the share of the file read so far.
    private static long? EstimateRows(BatchChunker chunker, FileStream input)
    {
        if (chunker.RowCount is { } known)
            return known;
        var position = input.Position;
        return position <= 0 ? null : (long)Math.Round(chunker.RowsRead * ((double)input.Length / position));
    }

    // The reason is kept with the batch and logged: cut short, whatever an input's parser put in it.
    private async Task FailAsync(Guid batchId, string failure)
    {
        var reason = UserText.Shown(failure, 1000);
        LogFailed(batchId, reason);
        var now = time.GetUtcNow();
        await store.UpdateAsync(batchId, batch => batch.Failed(reason, now, options.Value.Retention), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming batch {BatchId} after {ChunksPublished} chunks sent")]
    private partial void LogResuming(Guid batchId, int chunksPublished);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} read: {Rows} rows, {Invalid} invalid, {Chunks} chunks")]
    private partial void LogRead(Guid batchId, long rows, long invalid, int chunks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} was deleted while it was read; reading stopped")]
    private partial void LogDeleted(Guid batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId} failed: {Reason}")]
    private partial void LogFailed(Guid batchId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {BatchId} could not be run; it stays running and is resumed at the next start")]
    private partial void LogFailedToRun(Guid batchId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The batch store does not answer; unfinished batches are resumed when it does")]
    private partial void LogStoreUnavailable(Exception exception);

    private sealed class BatchDeletedException : Exception;
}
