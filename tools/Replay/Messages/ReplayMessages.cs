using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Modeling.Features;
using Replay.Records;

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

    /// <summary>The CloudEvent type of a prediction request: a record is to be predicted.</summary>
    public const string RequestEventType = "replay.prediction.requested";

    /// <summary>The CloudEvent type of an outcome: what the record turned out to be.</summary>
    public const string OutcomeEventType = "replay.outcome.observed";

    /// <summary>The CloudEvent source of everything the replay sends.</summary>
    public const string EventSource = "/replay";

    /// <summary>
    /// A prediction request: <c>{"model","entityKey","correlationId","record":{…}}</c>, the record holding the fields the
    /// model reads (for a flight <c>date</c>, <c>distance</c>, <c>origin</c>, <c>destination</c>), without the outcome,
    /// which is not known yet. Numbers are written as numbers, typed timestamps as ISO 8601 text, missing fields not at all.
    /// </summary>
    public static byte[] Request(string model, ReplayRecord record, string correlationId, bool cloudEvent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (cloudEvent)
                StartCloudEvent(json, RequestEventType, correlationId, now);
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("entityKey", record.EntityKey);
            json.WriteString("correlationId", correlationId);
            json.WriteStartObject("record");
            foreach (var (name, value) in record.Fields)
            {
                switch (value.Kind)
                {
                    case RawValueKind.Number:
                        json.WriteNumber(name, value.Number);
                        break;
                    case RawValueKind.Timestamp:
                        json.WriteString(name, value.Timestamp.ToString("s", CultureInfo.InvariantCulture));
                        break;
                    case RawValueKind.Text:
                        json.WriteString(name, value.Text);
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
            if (cloudEvent)
                json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An outcome: <c>{"model","entityKey","observedAt","value"}</c> for a number (a flight's delay in minutes; text that
    /// reads as a number too) or <c>{…,"label"}</c> for a label's text (a day's weather), observed now (wall-clock time:
    /// the platform joins it to the newest prediction for the entity made before it). As a CloudEvent its id is
    /// <paramref name="outcomeId"/>, which the platform takes as the outcome's id.
    /// </summary>
    public static byte[] Outcome(string model, ReplayRecord record, string outcomeId, bool cloudEvent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (cloudEvent)
                StartCloudEvent(json, OutcomeEventType, outcomeId, now);
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("entityKey", record.EntityKey);
            json.WriteString("observedAt", now);
            var outcome = record.Outcome;
            if (outcome.Kind == RawValueKind.Number)
                json.WriteNumber("value", outcome.Number);
            else if (outcome.Kind == RawValueKind.Text && double.TryParse(outcome.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                json.WriteNumber("value", number);
            else
                json.WriteString("label", outcome.Text);
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
