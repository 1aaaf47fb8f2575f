using Contracts.Ingest;

namespace FeedbackCollector.Ingest;

/// <summary>The RabbitMQ names other systems use to send outcomes without MassTransit (docs/feedback.md).</summary>
public static class OutcomeIngest
{
    /// <summary>The topic exchange other systems publish to.</summary>
    public const string Exchange = PublicExchanges.Ingest;

    /// <summary>The routing key of an outcome on <see cref="Exchange"/>.</summary>
    public const string OutcomeObservedKey = "outcome.observed";

    /// <summary>FeedbackCollector's queue of outcomes, bound to <see cref="Exchange"/> with <see cref="OutcomeObservedKey"/>.</summary>
    public const string OutcomesQueue = "feedback-collector-ingest-outcomes";

    /// <summary>The media type of a CloudEvent in structured mode.</summary>
    public const string CloudEventsContentType = PublicExchanges.CloudEventsContentType;
}
