using Contracts.Predictions;
using FeedbackCollector.Predictions;
using MassTransit;

namespace FeedbackCollector.Consumers;

/// <summary>
/// Logs every <see cref="PredictionMade"/>, in batches: online traffic publishes one event per prediction,
/// thousands per second, and one transaction per batch keeps up where one per event would not (limits in
/// <see cref="PredictionMadeConsumerDefinition"/>). Idempotent: the log ignores a prediction id it already
/// has, so a redelivered event (or a whole redelivered batch) changes nothing.
/// </summary>
/// <remarks>
/// An event without the fields the log needs (id, model, version, source, timestamps) goes alone to the
/// endpoint's error queue (<c>…_error</c>) with the reason in the <c>MT-Reason</c> header, and the rest of
/// the batch is logged: one malformed event must not send hundreds of good ones to the error queue with it.
/// </remarks>
public sealed partial class PredictionMadeConsumer(IPredictionLog log, ILogger<PredictionMadeConsumer> logger) : IConsumer<Batch<PredictionMade>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<PredictionMade>> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var batch = context.Message;
        var predictions = new List<PredictionMade>(batch.Length);
        for (var index = 0; index < batch.Length; index++)
        {
            var prediction = batch[index].Message;
            if (MissingField(prediction) is { } missing)
            {
                await RejectAsync(context, batch[index], $"PredictionMade has no {missing}");
                LogRejected(logger, prediction.PredictionId, batch[index].MessageId, missing);
                continue;
            }

            predictions.Add(prediction);
        }

        var added = await log.AddManyAsync(predictions, context.CancellationToken);
        LogBatch(logger, batch.Length, added, predictions.Count - added);
    }

    private static async Task RejectAsync(ConsumeContext context, ConsumeContext<PredictionMade> rejected, string reason)
    {
        var queue = context.ReceiveContext.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1];
        var errors = await context.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        await errors.Send(rejected.Message, send =>
        {
            send.Headers.Set("MT-Reason", reason);
            send.Headers.Set(MessageHeaders.Reason, reason);
            if (rejected.MessageId is { } messageId)
                send.MessageId = messageId;
        }, context.CancellationToken);
    }

    private static string? MissingField(PredictionMade prediction) => prediction switch
    {
        { PredictionId: var id } when id == Guid.Empty => "predictionId",
        { ModelName: null or "" } => "modelName",
        { ModelVersion: null or "" } => "modelVersion",
        { Source: null or "" } => "source",
        { Features: null } => "features",
        { ReceivedAt: var received } when received == default => "receivedAt",
        { PredictedAt: var predicted } when predicted == default => "predictedAt",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Logged a batch of {Count} predictions: {Added} new, {Duplicates} already logged")]
    private static partial void LogBatch(ILogger logger, int count, int added, int duplicates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved PredictionMade {PredictionId} (message {MessageId}) to the error queue: it has no {Field}")]
    private static partial void LogRejected(ILogger logger, Guid predictionId, Guid? messageId, string field);
}
