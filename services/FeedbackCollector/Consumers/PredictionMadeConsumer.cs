using Contracts.Predictions;
using FeedbackCollector.Predictions;
using MassTransit;

namespace FeedbackCollector.Consumers;

/// <summary>
/// Logs predictions, in batches (online traffic publishes one event per prediction, thousands per second;
/// one transaction per batch keeps up). Idempotent: the log ignores a prediction id it already has.
/// </summary>
public sealed class PredictionMadeConsumer(IPredictionLog log) : IConsumer<Batch<PredictionMade>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<PredictionMade>> context)
    {
        var predictions = new PredictionMade[context.Message.Length];
        for (var index = 0; index < predictions.Length; index++)
            predictions[index] = context.Message[index].Message;
        await log.AddAsync(predictions, context.CancellationToken);
    }
}
