using Contracts.Predictions;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using MassTransit;

namespace FeedbackCollector.Consumers;

/// <summary>
/// Logs every prediction, in batches, and then joins the pending outcomes that were waiting for them: Inference publishes the
/// predictions of the requests answered within a few milliseconds as one <see cref="PredictionsMade"/> (under light load, one per request), and one transaction per batch of messages keeps up where one
/// per message would not (limits in
/// <see cref="PredictionsMadeConsumerDefinition"/>). Idempotent: the log ignores a prediction id it already
/// has, so a redelivered event (or a whole redelivered batch) changes nothing, and only outcomes still pending
/// are joined.
/// </summary>
/// <remarks>
/// A prediction without the fields the log needs (id, model, version, source, timestamps) goes to the
/// endpoint's error queue (<c>…_error</c>, as a <see cref="PredictionsMade"/> holding only the malformed
/// ones) with the reason in the <c>MT-Reason</c> header, and the rest is logged: one malformed prediction
/// must not send hundreds of good ones to the error queue with it.
/// </remarks>
public sealed partial class PredictionsMadeConsumer(PredictionStore log, OutcomeJoiner joiner, ILogger<PredictionsMadeConsumer> logger) : IConsumer<Batch<PredictionsMade>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<PredictionsMade>> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var batch = context.Message;
        var predictions = new List<PredictionMade>(batch.Length);
        for (var index = 0; index < batch.Length; index++)
        {
            List<PredictionMade>? malformed = null;
            string? reason = null;
            foreach (var prediction in batch[index].Message.Predictions ?? [])
            {
                if (MissingField(prediction) is { } missing)
                {
                    (malformed ??= []).Add(prediction);
                    reason ??= $"PredictionMade has no {missing}";
                    LogRejected(logger, prediction?.PredictionId ?? Guid.Empty, batch[index].MessageId, missing);
                    continue;
                }

                predictions.Add(prediction);
            }

            if (malformed is not null)
                await RejectAsync(context, new PredictionsMade(malformed), batch[index].MessageId, reason!);
        }

        var added = await log.AddManyAsync(predictions, context.CancellationToken);
        LogBatch(logger, batch.Length, added, predictions.Count - added);
        // After logging, never before: an outcome stored meanwhile found these predictions itself, or is found now.
        // Every prediction of the batch, not only the new ones: a redelivered batch may come from an attempt
        // that logged them and then failed before joining.
        await joiner.JoinArrivedAsync(predictions, context.CancellationToken);
    }

    private static async Task RejectAsync(ConsumeContext context, PredictionsMade rejected, Guid? messageId, string reason)
    {
        var queue = context.ReceiveContext.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1];
        var errors = await context.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        await errors.Send(rejected, send =>
        {
            send.Headers.Set("MT-Reason", reason);
            send.Headers.Set(MessageHeaders.Reason, reason);
            if (messageId is { } id)
                send.MessageId = id;
        }, context.CancellationToken);
    }

    private static string? MissingField(PredictionMade? prediction) => prediction switch
    {
        null => "content",
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
