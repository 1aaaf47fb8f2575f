using FeedbackCollector.Ingest;
using FeedbackCollector.Outcomes;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;

namespace FeedbackCollector.Consumers;

/// <summary>
/// Takes an outcome another system published on <c>platform.ingest</c> (routing key <c>outcome.observed</c>;
/// plain JSON or a CloudEvent, no MassTransit envelope) and joins it like one sent over HTTP. An invalid one
/// goes to the error queue at once with the reason (naming the field); a store or broker failure is retried,
/// and the retry finds the outcome stored and still pending, so it is joined once. Only outcomes a trusted broker user
/// published with <c>user_id</c> set (<see cref="FeedbackOptions.TrustedBrokerUsers"/>) are taken, reported by
/// <c>broker:&lt;user&gt;</c> (<see cref="OutcomeSources.OfBrokerUser"/>); one without <c>user_id</c>, or from another
/// user, goes to the error queue at once with the reason, before its content is read.
/// </summary>
public sealed partial class IngestedOutcomeConsumer(
    OutcomeJoiner joiner, IOptions<FeedbackOptions> options, TimeProvider time, ILogger<IngestedOutcomeConsumer> logger)
    : IConsumer<IngestedOutcome>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<IngestedOutcome> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = OutcomeSources.OfBrokerUser(PublicIngest.PublishingUserOf(context), options.Value.EffectiveTrustedBrokerUsers, out var untrusted);
        if (source is null)
            throw new InvalidMessageException(untrusted!);

        var outcome = context.Message.Read(time.GetUtcNow(), out var problem);
        if (outcome is null)
            throw new InvalidMessageException(problem ?? "The message is not an outcome.");

        outcome = outcome with { ReportedBy = source };
        var receipt = (await joiner.ReceiveAsync([outcome], OutcomeJoiner.EventChannel, context.CancellationToken))[0];
        LogReceived(logger, receipt.OutcomeId, receipt.Status, receipt.PredictionIds.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outcome {OutcomeId} from the ingest exchange: {Status}, {Predictions} predictions")]
    private static partial void LogReceived(ILogger logger, string outcomeId, string status, int predictions);
}
