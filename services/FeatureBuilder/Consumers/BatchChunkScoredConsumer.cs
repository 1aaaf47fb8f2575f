using Contracts.Batches;
using FeatureBuilder.Batches;
using MassTransit;
using BatchOptions = FeatureBuilder.Batches.BatchOptions;
using Microsoft.Extensions.Options;

namespace FeatureBuilder.Consumers;

/// <summary>
/// Stores a scored chunk's results in the batch store, once per chunk index (a redelivered or re-scored
/// chunk changes nothing), and so completes the batch when it was the last one.
/// </summary>
public sealed class BatchChunkScoredConsumer(BatchStore store, IOptions<BatchOptions> options, TimeProvider time) : IConsumer<BatchChunkScored>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<BatchChunkScored> context)
    {
        var scored = context.Message;
        var results = new ChunkResults(scored.ChunkIndex, scored.RowNumbers, scored.EntityKeys, scored.Labels, scored.Probabilities, scored.Values);
        await store.AddChunkAsync(scored.BatchId, results, time.GetUtcNow(), options.Value.Retention, context.CancellationToken);
    }
}
