namespace Contracts.Ingest;

/// <summary>
/// The RabbitMQ names that systems outside the platform use without MassTransit (docs/events.md): where they
/// publish requests and facts, and where the platform publishes its events for anyone to bind a queue.
/// Messages on them are plain JSON or CloudEvents in structured mode, never MassTransit's envelope.
/// </summary>
public static class PublicExchanges
{
    /// <summary>The topic exchange other systems publish prediction requests and outcomes to.</summary>
    public const string Ingest = "platform.ingest";

    /// <summary>The topic exchange the platform publishes predictions and alerts to.</summary>
    public const string Events = "platform.events";

    /// <summary>The media type of a CloudEvent in structured mode.</summary>
    public const string CloudEventsContentType = "application/cloudevents+json";
}
