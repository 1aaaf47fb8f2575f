using Contracts.Ingest;

namespace FeatureBuilder.Ingest;

/// <summary>
/// The names other systems use on RabbitMQ, without MassTransit: where they publish prediction requests and
/// where the predictions come back (docs/events.md).
/// </summary>
public static class IngestTopology
{
    /// <summary>The topic exchange other systems publish requests and facts to.</summary>
    public const string IngestExchange = PublicExchanges.Ingest;

    /// <summary>The topic exchange the platform publishes its events to, for anyone to bind a queue.</summary>
    public const string EventsExchange = PublicExchanges.Events;

    /// <summary>The routing key of a prediction request on <see cref="IngestExchange"/>.</summary>
    public const string PredictionRequestedKey = "prediction.requested";

    /// <summary>The routing key of a prediction on <see cref="EventsExchange"/>: followed by the model's name.</summary>
    public const string PredictionMadeKeyPrefix = "prediction.made.";

    /// <summary>FeatureBuilder's queue of prediction requests, bound to <see cref="IngestExchange"/> with <see cref="PredictionRequestedKey"/>.</summary>
    public const string PredictionRequestsQueue = "feature-builder-ingest-predictions";

    /// <summary>The CloudEvents type of a prediction the platform publishes.</summary>
    public const string PredictionMadeType = "platform.prediction.made";

    /// <summary>The CloudEvents source of the predictions the platform publishes.</summary>
    public const string Source = "/platform/feature-builder";

    /// <summary>The media type of a CloudEvent in structured mode.</summary>
    public const string CloudEventsContentType = PublicExchanges.CloudEventsContentType;
}
