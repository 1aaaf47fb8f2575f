using System.Text.Json;
using Replay.Messages;
using static Replay.Tests.TestFlights;

namespace Replay.Tests.Messages;

public sealed class ReplayMessagesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 30, 15, TimeSpan.Zero);

    [Fact]
    public void A_request_is_the_documented_plain_document_without_the_delay()
    {
        var flight = At("2001-01-03T07:05", delay: 37, origin: "ORD", destination: "LAX", distance: 1744, row: 1234);

        var body = Parse(ReplayMessages.Request("flight-delay", flight.Record, "run1:17", cloudEvent: false, Now));

        Assert.Equal(["model", "entityKey", "correlationId", "record"], Names(body));
        Assert.Equal("flight-delay", body.GetProperty("model").GetString());
        Assert.Equal("2001-01-03T07:05-ORD-LAX-1234", body.GetProperty("entityKey").GetString());
        Assert.Equal("run1:17", body.GetProperty("correlationId").GetString());
        var record = body.GetProperty("record");
        Assert.Equal(["date", "distance", "origin", "destination"], Names(record));
        Assert.Equal("2001-01-03T07:05:00", record.GetProperty("date").GetString());
        Assert.Equal(1744, record.GetProperty("distance").GetInt32());
        Assert.Equal("ORD", record.GetProperty("origin").GetString());
        Assert.Equal("LAX", record.GetProperty("destination").GetString());
    }

    [Fact]
    public void A_request_as_a_cloud_event_carries_the_plain_document_as_data_with_the_correlation_id_as_id()
    {
        var flight = At("2001-01-03T07:05", delay: 37);

        var body = Parse(ReplayMessages.Request("flight-delay", flight.Record, "run1:17", cloudEvent: true, Now));

        Assert.Equal("1.0", body.GetProperty("specversion").GetString());
        Assert.Equal(ReplayMessages.RequestEventType, body.GetProperty("type").GetString());
        Assert.Equal(ReplayMessages.EventSource, body.GetProperty("source").GetString());
        Assert.Equal("run1:17", body.GetProperty("id").GetString());
        Assert.Equal(Now, body.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("application/json", body.GetProperty("datacontenttype").GetString());
        var plain = Parse(ReplayMessages.Request("flight-delay", flight.Record, "run1:17", cloudEvent: false, Now));
        Assert.Equal(plain.GetRawText(), body.GetProperty("data").GetRawText());
    }

    [Fact]
    public void An_outcome_is_model_entity_key_observation_time_and_the_delay()
    {
        var flight = At("2001-01-03T07:05", delay: 37, origin: "ORD", destination: "LAX", row: 1234);

        var body = Parse(ReplayMessages.Outcome("flight-delay", flight.Record, "run1:17:outcome", cloudEvent: false, Now));

        Assert.Equal(["model", "entityKey", "observedAt", "value"], Names(body));
        Assert.Equal("flight-delay", body.GetProperty("model").GetString());
        Assert.Equal("2001-01-03T07:05-ORD-LAX-1234", body.GetProperty("entityKey").GetString());
        Assert.Equal(Now, body.GetProperty("observedAt").GetDateTimeOffset());
        Assert.Equal(37, body.GetProperty("value").GetInt32());
    }

    [Fact]
    public void An_outcome_as_a_cloud_event_has_the_outcome_id_as_id()
    {
        var flight = At("2001-01-03T07:05", delay: -4);

        var body = Parse(ReplayMessages.Outcome("flight-delay", flight.Record, "run1:17:outcome", cloudEvent: true, Now));

        Assert.Equal("1.0", body.GetProperty("specversion").GetString());
        Assert.Equal(ReplayMessages.OutcomeEventType, body.GetProperty("type").GetString());
        Assert.Equal("run1:17:outcome", body.GetProperty("id").GetString());
        Assert.Equal(-4, body.GetProperty("data").GetProperty("value").GetInt32());
    }

    private static JsonElement Parse(byte[] body) => JsonDocument.Parse(body).RootElement.Clone();

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(property => property.Name)];
}
