using System.Text.Json;
using FeedbackCollector.Ingest;
using FeedbackCollector.Outcomes;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>An outcome object is read the same way from HTTP and from the ingest exchange; each problem names its field.</summary>
public sealed class OutcomeReaderTests
{
    private static readonly DateTimeOffset Now = new(2001, 2, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_outcome_by_prediction_id_is_read_with_every_field()
    {
        var predictionId = Guid.CreateVersion7();

        var outcome = Read($$"""{"outcomeId":"arrival-1","predictionId":"{{predictionId}}","observedAt":"2001-02-03T03:52:00-06:00","value":37.5,"note":"ignored"}""", out var errors);

        Assert.Empty(errors);
        Assert.Equal(Outcome.Received("arrival-1", predictionId, null, null, new DateTimeOffset(2001, 2, 3, 9, 52, 0, TimeSpan.Zero), 37.5, null, Now), outcome! with { Joins = [] }, OutcomeComparer);
    }

    [Fact]
    public void An_outcome_by_entity_key_without_an_id_or_time_is_observed_now_and_gets_a_derived_id()
    {
        var outcome = Read("""{"model":"flight-delay","entityKey":123,"label":"late"}""", out var errors);

        Assert.Empty(errors);
        Assert.Equal(("flight-delay", "123", "late", Now), (outcome!.ModelName, outcome.EntityKey, outcome.Label, outcome.ObservedAt));
        Assert.Equal(OutcomeIds.ForEntity("flight-delay", "123", Now), outcome.OutcomeId);
        Assert.Null(outcome.Value);
    }

    [Theory]
    [InlineData("""{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e"}""", "value", "needs what was observed")]
    [InlineData("""{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","value":1,"label":"late"}""", "value", "not both")]
    [InlineData("""{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","value":"37"}""", "value", "must be a number")]
    [InlineData("""{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","label":true}""", "label", "must be text")]
    [InlineData("""{"predictionId":"flight-1","value":1}""", "predictionId", "\"flight-1\" is not a prediction id")]
    [InlineData("""{"predictionId":"00000000-0000-0000-0000-000000000000","value":1}""", "predictionId", "is not a prediction id")]
    [InlineData("""{"value":1}""", "predictionId", "predictionId, or model and entityKey")]
    [InlineData("""{"model":"flight-delay","value":1}""", "entityKey", "model needs entityKey")]
    [InlineData("""{"entityKey":"UA123","value":1}""", "model", "entityKey needs model")]
    [InlineData("""{"model":"flight-delay","entityKey":"UA123","value":1,"observedAt":"2001-02-03T09:52:00"}""", "observedAt", "RFC 3339")]
    [InlineData("""{"model":"flight-delay","entityKey":"UA123","value":1,"observedAt":"yesterday"}""", "observedAt", "RFC 3339")]
    [InlineData("""{"model":"flight-delay","entityKey":" ","value":1}""", "entityKey", "not blank")]
    [InlineData("""{"outcomeId":{"a":1},"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","value":1}""", "outcomeId", "text or a number")]
    [InlineData("""[1,2]""", "outcome", "must be a JSON object")]
    public void A_problem_is_reported_with_its_field_and_what_to_do(string json, string field, string message)
    {
        var outcome = Read(json, out var errors);

        Assert.Null(outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Key);
        Assert.Contains(message, error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Inside_a_list_every_problem_of_an_outcome_carries_its_path()
    {
        var errors = new List<KeyValuePair<string, string>>();

        OutcomeReader.Read(Json("""{"predictionId":"x","value":"y"}"""), "outcomes[3]", Now, null, errors);

        Assert.Equal(["outcomes[3].predictionId", "outcomes[3].value"], errors.Select(error => error.Key));
    }

    [Fact]
    public void A_plain_JSON_event_is_the_outcome_object_itself()
    {
        var outcome = Ingested("""{"model":"flight-delay","entityKey":"UA123","observedAt":"2001-02-03T09:52:00Z","value":37}""").Read(Now, out var problem);

        Assert.Null(problem);
        Assert.Equal(("flight-delay", "UA123", 37d), (outcome!.ModelName, outcome.EntityKey, outcome.Value));
    }

    [Fact]
    public void A_CloudEvent_s_data_is_the_outcome_and_its_id_the_outcome_id_unless_data_has_one()
    {
        const string Event = """
            {"specversion":"1.0","type":"flight.arrived","source":"/airport/ord","id":"evt-42","datacontenttype":"application/json",
             "data":{"model":"flight-delay","entityKey":"UA123","value":37}}
            """;

        var outcome = Ingested(Event).Read(Now, out var problem);
        var withId = Ingested(Event.Replace("\"value\":37", "\"value\":37,\"outcomeId\":\"mine\"", StringComparison.Ordinal)).Read(Now, out _);

        Assert.Null(problem);
        Assert.Equal("evt-42", outcome!.OutcomeId);
        Assert.Equal("mine", withId!.OutcomeId);
    }

    [Theory]
    [InlineData("""{"specversion":"0.3","id":"1","data":{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","value":1}}""", "specversion is \"0.3\"")]
    [InlineData("""{"specversion":"1.0","id":"1","data":"late"}""", "data must be a JSON object")]
    [InlineData("""{"specversion":"1.0","id":"1","data":{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e","value":"late"}}""", "data.value: value must be a number")]
    [InlineData("""{"predictionId":"0192f1c4-8a4e-7b3c-9d2e-1f0a2b3c4d5e"}""", "value: An outcome needs what was observed")]
    public void An_event_that_is_not_an_outcome_says_why(string json, string reason)
    {
        var outcome = Ingested(json).Read(Now, out var problem);

        Assert.Null(outcome);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<Outcome> OutcomeComparer = EqualityComparer<Outcome>.Create(
        (x, y) => x is not null && y is not null && x with { Joins = [] } == y with { Joins = [] },
        outcome => outcome.OutcomeId.GetHashCode(StringComparison.Ordinal));

    private static Outcome? Read(string json, out List<KeyValuePair<string, string>> errors)
    {
        errors = [];
        return OutcomeReader.Read(Json(json), "", Now, null, errors);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    // As MassTransit's raw JSON deserializer reads a message body.
    private static IngestedOutcome Ingested(string json) => JsonSerializer.Deserialize<IngestedOutcome>(json, JsonSerializerOptions.Web)!;
}
