using System.Diagnostics;
using Contracts.Batches;
using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using Modeling.Scoring;

namespace Inference.Consumers;

/// <summary>
/// Scores one chunk of a batch with the version the batch is pinned to and publishes the chunk's results as
/// <see cref="BatchChunkScored"/>. Replicas compete for chunks on one queue. The event goes out before the
/// chunk is acknowledged: a replica that dies in between leaves the chunk to be scored again, and the
/// results are stored once per chunk index, so a row is never counted twice.
/// </summary>
public sealed class ScoreBatchChunkConsumer(ModelSessions sessions, TimeProvider time, InferenceMetrics metrics) : IConsumer<ScoreBatchChunk>
{
    // A replica that just started takes chunks from the queue at once, while it is still fetching and loading
    // the served models (seconds): it waits for them rather than fail the chunk.
    private static readonly TimeSpan LoadingTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScoreBatchChunk> context)
    {
        var chunk = context.Message;
        if (!await sessions.WaitUntilSyncedAsync(LoadingTimeout, context.CancellationToken))
            throw new BatchChunkNotScorableException($"This replica has not loaded the served models within {LoadingTimeout.TotalSeconds:0} s.");
        // Not served (yet, or any more) by this replica: an exception, so that the chunk is retried and, if no
        // replica can score it, lands in the error queue with the reason instead of being lost.
        var served = sessions.Find(chunk.ModelName)
            ?? throw new BatchChunkNotScorableException($"This replica does not serve model '{chunk.ModelName}'.");
        // The batch is pinned to the version that served when it was submitted: the champion, a challenger, or a
        // version replaced less than ModelSessions.RetiredVersionGrace ago.
        var model = sessions.Find(chunk.ModelName, chunk.ModelVersion)
            ?? throw new BatchChunkNotScorableException(
                $"This replica serves version {served.Version} of '{chunk.ModelName}', not {chunk.ModelVersion}, which the batch is pinned to.");

        var rows = chunk.RowNumbers.Length;
        if (chunk.Width != model.Scorer.Width || chunk.Features.Length != rows * model.Scorer.Width
            || (chunk.EntityKeys is not null && chunk.EntityKeys.Length != rows))
        {
            throw new BatchChunkNotScorableException(
                $"Expected {rows} rows of {model.Scorer.Width} floats; got {chunk.Features.Length} floats of width {chunk.Width}.");
        }

        var scores = new ModelScore[rows];
        var scoring = Stopwatch.GetTimestamp();
        model.Scorer.Score(chunk.Features, scores);
        metrics.Scored(model, PredictionSources.Batch, rows, Stopwatch.GetElapsedTime(scoring));
        await context.Publish(ResultsOf(chunk, model, scores, time.GetUtcNow()), context.CancellationToken);
        metrics.ChunkScored(model);
    }

    private static BatchChunkScored ResultsOf(ScoreBatchChunk chunk, LoadedModel model, ModelScore[] scores, DateTimeOffset scoredAt)
    {
        var isClassifier = model.Card.Output.Labels.Count > 0;
        var labels = isClassifier ? new string?[scores.Length] : null;
        var probabilities = scores.Any(score => !float.IsNaN(score.Probability)) ? new float[scores.Length] : null;
        var values = scores.Any(score => !float.IsNaN(score.Value)) ? new float[scores.Length] : null;
        for (var row = 0; row < scores.Length; row++)
        {
            if (labels is not null)
                labels[row] = model.LabelOf(scores[row]);
            if (probabilities is not null)
                probabilities[row] = scores[row].Probability;
            if (values is not null)
                values[row] = scores[row].Value;
        }

        return new BatchChunkScored(
            chunk.BatchId, chunk.ChunkIndex, model.Name, model.Version, chunk.Width, chunk.Features, chunk.RowNumbers, chunk.EntityKeys,
            labels, probabilities, values, chunk.ReceivedAt, scoredAt);
    }
}

/// <summary>A batch chunk this replica cannot score; the message is retried, then moved to the error queue with this reason.</summary>
public sealed class BatchChunkNotScorableException(string message) : Exception(message);
