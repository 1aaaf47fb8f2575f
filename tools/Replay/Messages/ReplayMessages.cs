using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Replay.Flights;

namespace Replay.Messages;

/// <summary>
/// The bodies the replay publishes on <c>platform.ingest</c>, as any outside system would write them
/// (docs/events.md, docs/feedback.md): plain JSON, or the same document as a CloudEvent 1.0's <c>data</c>.
/// </summary>
public static class ReplayMessages
{
    /// <summary>Routing key of prediction requests.</summary>
    public const string RequestRoutingKey = "prediction.requested";

    /// <summary>Routing key of outcomes.</summary>
    public const string OutcomeRoutingKey = "outcome.observed";

    /// <summary>The CloudEvent type of a prediction request.</summary>
    public const string RequestEventType = "flight.scheduled";

    /// <summary>The CloudEvent type of an outcome: the flight has left, this many minutes late.</summary>
    public const string OutcomeEventType = "flight.departed";

    /// <summary>The CloudEvent source of everything the replay sends.</summary>
    public const string EventSource = "/replay/flights";

    /// <summary>
    /// A prediction request: <c>{"model","entityKey","correlationId","record":{"date","distance","origin","destination"}}</c>,
    /// the record without the delay (what is known before departure).
    /// </summary>
    public static byte[] Request(string model, in ScheduledFlight flight, string correlationId, bool cloudEvent, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (cloudEvent)
                StartCloudEvent(json, RequestEventType, correlationId, now);
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("entityKey", flight.EntityKey);
            json.WriteString("correlationId", correlationId);
            json.WriteStartObject("record");
            json.WriteString("date", flight.Departure.ToString("s", CultureInfo.InvariantCulture));
            json.WriteNumber("distance", flight.Flight.Distance);
            json.WriteString("origin", flight.Flight.Origin);
            json.WriteString("destination", flight.Flight.Destination);
            json.WriteEndObject();
            json.WriteEndObject();
            if (cloudEvent)
                json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An outcome: <c>{"model","entityKey","observedAt","value"}</c> with the flight's delay in minutes, observed now
    /// (wall-clock time: the platform joins it to the newest prediction for the entity made before it). As a
    /// CloudEvent its id is <paramref name="outcomeId"/>, which the platform takes as the outcome's id.
    /// </summary>
    public static byte[] Outcome(string model, in ScheduledFlight flight, string outcomeId, bool cloudEvent, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (cloudEvent)
                StartCloudEvent(json, OutcomeEventType, outcomeId, now);
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("entityKey", flight.EntityKey);
            json.WriteString("observedAt", now);
            json.WriteNumber("value", flight.Flight.Delay);
            json.WriteEndObject();
            if (cloudEvent)
                json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Structured mode: the context attributes, then "data" (the caller writes the plain document and closes both).
    private static void StartCloudEvent(Utf8JsonWriter json, string type, string id, DateTimeOffset now)
    {
        json.WriteStartObject();
        json.WriteString("specversion", "1.0");
        json.WriteString("type", type);
        json.WriteString("source", EventSource);
        json.WriteString("id", id);
        json.WriteString("time", now);
        json.WriteString("datacontenttype", "application/json");
        json.WritePropertyName("data");
    }
}
