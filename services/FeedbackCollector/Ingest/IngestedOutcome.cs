using System.Text.Json;
using System.Text.Json.Serialization;
using FeedbackCollector.Outcomes;
using Modeling.Text;

namespace FeedbackCollector.Ingest;

/// <summary>
/// An outcome as another system publishes it on <c>platform.ingest</c> (routing key <c>outcome.observed</c>),
/// in either form: the outcome object as plain JSON, or a CloudEvent 1.0 in structured JSON mode with the
/// outcome object as <c>data</c> (any <c>type</c>; the event's <c>id</c> is the outcome id when <c>data</c> has
/// none). Every member is kept as raw JSON here: what is wrong is reported by <see cref="Read"/>, naming the field.
/// </summary>
public sealed record IngestedOutcome(
    [property: JsonPropertyName("outcomeId")] JsonElement? OutcomeId,
    [property: JsonPropertyName("predictionId")] JsonElement? PredictionId,
    [property: JsonPropertyName("model")] JsonElement? Model,
    [property: JsonPropertyName("entityKey")] JsonElement? EntityKey,
    [property: JsonPropertyName("observedAt")] JsonElement? ObservedAt,
    [property: JsonPropertyName("value")] JsonElement? Value,
    [property: JsonPropertyName("label")] JsonElement? Label,
    [property: JsonPropertyName("specversion")] JsonElement? SpecVersion,
    [property: JsonPropertyName("id")] JsonElement? Id,
    [property: JsonPropertyName("data")] JsonElement? Data)
{
    /// <summary>The outcome, received at <paramref name="receivedAt"/>, or null and the reason it is not one (naming the fields).</summary>
    public Outcome? Read(DateTimeOffset receivedAt, out string? problem)
    {
        var errors = new List<KeyValuePair<string, string>>();
        Outcome? outcome;
        if (SpecVersion is { ValueKind: not JsonValueKind.Null } specVersion)
        {
            if (specVersion.ValueKind != JsonValueKind.String || specVersion.GetString() != "1.0")
            {
                problem = $"specversion is {UserText.Shown(specVersion.GetRawText())}; this platform reads CloudEvents 1.0.";
                return null;
            }

            if (Data is not { ValueKind: JsonValueKind.Object } data)
            {
                problem = "data must be a JSON object: the outcome (predictionId, or model and entityKey; value or label).";
                return null;
            }

            outcome = OutcomeReader.Read(data, "data", receivedAt, EventId(), errors);
        }
        else
        {
            outcome = OutcomeReader.Read(Member, "", receivedAt, defaultId: null, errors);
        }

        problem = errors.Count == 0 ? null : string.Join("; ", errors.Select(error => $"{error.Key}: {error.Value}"));
        return problem is null ? outcome : null;
    }

    private JsonElement? Member(string name) => name switch
    {
        "outcomeId" => OutcomeId,
        "predictionId" => PredictionId,
        "model" => Model,
        "entityKey" => EntityKey,
        "observedAt" => ObservedAt,
        "value" => Value,
        "label" => Label,
        _ => null,
    };

    // The CloudEvent's id stands for the outcome id only when it is a usable one.
    private string? EventId() => Id switch
    {
        { ValueKind: JsonValueKind.String } id when id.GetString() is { Length: > 0 } text && UserText.Problem(text, OutcomeReader.MaxTextLength) is null => text,
        { ValueKind: JsonValueKind.Number } id => id.GetRawText(),
        _ => null,
    };
}
