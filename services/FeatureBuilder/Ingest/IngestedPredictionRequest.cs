using System.Text.Json;
using System.Text.Json.Serialization;
using FeatureBuilder.Models;
using Modeling.Text;

namespace FeatureBuilder.Ingest;

/// <summary>
/// A prediction request as another system publishes it on <c>platform.ingest</c>, in either form: plain JSON
/// (<c>model</c>, <c>entityKey</c>, <c>correlationId</c>, <c>record</c>) or a CloudEvent in structured JSON mode
/// (<c>specversion</c>, <c>type</c>, <c>source</c>, <c>id</c>, …, with the plain request as <c>data</c>).
/// Every member is optional here: what is missing is reported by <see cref="IngestedPrediction.Read"/>.
/// </summary>
public sealed record IngestedPredictionRequest(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("entityKey")] JsonElement? EntityKey,
    [property: JsonPropertyName("correlationId")] JsonElement? CorrelationId,
    [property: JsonPropertyName("record")] JsonElement? Record,
    [property: JsonPropertyName("specversion")] string? SpecVersion,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("data")] JsonElement? Data);

/// <summary>A prediction request read from either form, ready to featurize.</summary>
/// <param name="Model">The model to predict with.</param>
/// <param name="EntityKey">The caller's key of the thing predicted, or null.</param>
/// <param name="CorrelationId">The caller's correlation id (a CloudEvent's id when none is given), or null.</param>
/// <param name="Record">The raw record, a JSON object.</param>
/// <param name="IsCloudEvent">Whether it came as a CloudEvent (the answer is one too).</param>
public sealed record IngestedPrediction(string Model, string? EntityKey, string? CorrelationId, JsonElement Record, bool IsCloudEvent)
{
    /// <summary>The request in <paramref name="message"/>, or the reason it is not one (naming the field).</summary>
    public static IngestedPrediction Read(IngestedPredictionRequest message, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(message);
        problem = null;
        var isCloudEvent = message.SpecVersion is not null;
        var model = message.Model;
        var entityKey = message.EntityKey;
        var correlationId = message.CorrelationId;
        var record = message.Record;
        if (isCloudEvent)
        {
            if (message.SpecVersion != "1.0")
                return Refuse($"specversion is '{UserText.Shown(message.SpecVersion)}'; this platform reads CloudEvents 1.0.", out problem);
            if (message.Data is not { ValueKind: JsonValueKind.Object } data)
                return Refuse("data must be a JSON object: the prediction request (model, record, entityKey, correlationId).", out problem);
            var inner = data.Deserialize<IngestedPredictionRequest>(JsonSerializerOptions.Web)!;
            model = inner.Model;
            entityKey = inner.EntityKey;
            correlationId = inner.CorrelationId ?? (message.Id is { } id ? JsonSerializer.SerializeToElement(id) : null);
            record = inner.Record;
        }

        var prefix = isCloudEvent ? "data." : "";
        if (string.IsNullOrWhiteSpace(model))
            return Refuse($"{prefix}model is missing: name the model to predict with.", out problem);
        if (UserText.Problem(model, UserText.MaxKeyLength) is { } modelProblem)
            return Refuse($"{prefix}model {modelProblem}.", out problem);
        if (record is not { ValueKind: JsonValueKind.Object } fields)
            return Refuse($"{prefix}record must be a JSON object: the raw record, as the online API takes it.", out problem);
        if (!TryText(entityKey, out var key))
            return Refuse($"{prefix}entityKey must be text or a number.", out problem);
        if (key is not null && EntityKeys.Problem(key, $"{prefix}entityKey") is { } keyProblem)
            return Refuse($"{keyProblem.Field}: {keyProblem.Message}", out problem);
        if (!TryText(correlationId, out var correlation))
            return Refuse($"{prefix}correlationId must be text or a number.", out problem);
        if (correlation is not null && UserText.Problem(correlation, UserText.MaxKeyLength) is { } correlationProblem)
            return Refuse($"{prefix}correlationId {correlationProblem}.", out problem);
        return new IngestedPrediction(model, key, correlation, fields.Clone(), isCloudEvent);
    }

    private static IngestedPrediction Refuse(string reason, out string? problem)
    {
        problem = reason;
        return null!;
    }

    private static bool TryText(JsonElement? value, out string? text)
    {
        text = value switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } element => element.GetString(),
            { ValueKind: JsonValueKind.Number } element => element.GetRawText(),
            _ => "",
        };
        return text != "" || value is { ValueKind: JsonValueKind.String };
    }
}
