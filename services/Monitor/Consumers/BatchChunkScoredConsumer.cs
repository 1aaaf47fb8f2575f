using Contracts.Batches;
using MassTransit;
using Monitor.Windows;

namespace Monitor.Consumers;

/// <summary>Counts the rows of every scored batch chunk into their version's windows, so batch traffic is monitored too.</summary>
public sealed class BatchChunkScoredConsumer(TrafficRecorder recorder) : IConsumer<BatchChunkScored>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<BatchChunkScored> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return recorder.RecordAsync(context.Message, context.CancellationToken);
    }
}
