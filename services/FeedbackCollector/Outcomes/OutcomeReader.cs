using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Modeling.Text;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Reads one outcome object, as the HTTP API and the ingest exchange take it:
/// <c>{"outcomeId"?, "predictionId"?, "model"?, "entityKey"?, "observedAt"?, "value"?, "label"?}</c> with either
/// <c>predictionId</c> or <c>model</c> + <c>entityKey</c>, and exactly one of <c>value</c> / <c>label</c>.
/// Every problem is reported with the field's path (e.g. <c>outcomes[3].value</c>); members it does not know
/// are ignored, so senders may add their own.
/// </summary>
public static partial class OutcomeReader
{
    /// <summary>The longest outcome id, model name, entity key or label accepted (<see cref="UserText.MaxKeyLength"/>).</summary>
    public const int MaxTextLength = UserText.MaxKeyLength;

    /// <summary>
    /// The outcome in <paramref name="element"/>, received now, or <see langword="null"/> after adding what is
    /// wrong with it to <paramref name="errors"/>.
    /// </summary>
    /// <param name="element">The outcome object.</param>
    /// <param name="path">Its path in the message (<c>""</c> for a whole body, <c>outcomes[3]</c>, <c>data</c>).</param>
    /// <param name="receivedAt">Now: the observation time when none is given.</param>
    /// <param name="defaultId">The id when the outcome has none (a CloudEvent's id), or null to derive one.</param>
    /// <param name="errors">Where problems are added, by field path.</param>
    public static Outcome? Read(JsonElement element, string path, DateTimeOffset receivedAt, string? defaultId, ICollection<KeyValuePair<string, string>> errors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(errors);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path.Length == 0 ? "outcome" : path, "An outcome must be a JSON object, such as {\"predictionId\":\"…\",\"value\":37}."));
            return null;
        }

        return Read(name => element.TryGetProperty(name, out var value) ? value : null, path, receivedAt, defaultId, errors);
    }

    /// <summary>
    /// The outcome whose members <paramref name="members"/> gives (by name; null when absent), as
    /// <see cref="Read(JsonElement, string, DateTimeOffset, string?, ICollection{KeyValuePair{string, string}})"/> reads an object.
    /// </summary>
    public static Outcome? Read(
        Func<string, JsonElement?> members, string path, DateTimeOffset receivedAt, string? defaultId, ICollection<KeyValuePair<string, string>> errors)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        // JSON null is the same as leaving a member out.
        JsonElement? Member(string name) => members(name) is { ValueKind: not JsonValueKind.Null } value ? value : null;

        var outcomeId = Text(Member("outcomeId"), path, "outcomeId", numbersAllowed: true, errors);
        var predictionId = PredictionId(Member("predictionId"), path, errors);
        var model = Text(Member("model"), path, "model", numbersAllowed: false, errors);
        var entityKey = Text(Member("entityKey"), path, "entityKey", numbersAllowed: true, errors);
        var observedAt = ObservedAt(Member("observedAt"), path, errors) ?? receivedAt;
        var value = Value(Member("value"), path, errors);
        var label = Text(Member("label"), path, "label", numbersAllowed: false, errors);

        if (Member("value") is not null && Member("label") is not null)
            errors.Add(new(Field(path, "value"), "Give either value (a number) or label (text), not both."));
        else if (Member("value") is null && Member("label") is null)
            errors.Add(new(Field(path, "value"), "An outcome needs what was observed: value (a number, e.g. a delay of 37) or label (text, e.g. \"late\")."));

        if (Member("predictionId") is null)
        {
            if (Member("model") is null && Member("entityKey") is null)
                errors.Add(new(Field(path, "predictionId"), "Name the prediction: predictionId, or model and entityKey."));
            else if (Member("model") is null)
                errors.Add(new(Field(path, "model"), "entityKey needs model (the model whose prediction of that entity this outcome is), or give predictionId."));
            else if (Member("entityKey") is null)
                errors.Add(new(Field(path, "entityKey"), "model needs entityKey (your key of the thing predicted), or give predictionId."));
        }

        if (errors.Count > before)
            return null;

        var id = outcomeId
                 ?? defaultId
                 ?? (predictionId is { } prediction ? OutcomeIds.ForPrediction(prediction) : OutcomeIds.ForEntity(model!, entityKey!, observedAt));
        return Outcome.Received(id, predictionId, model, entityKey, observedAt, value, label, receivedAt);
    }

    private static string Field(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string? Text(JsonElement? given, string path, string name, bool numbersAllowed, ICollection<KeyValuePair<string, string>> errors)
    {
        if (given is not { } member)
            return null;
        var text = member.ValueKind switch
        {
            JsonValueKind.String => member.GetString(),
            JsonValueKind.Number when numbersAllowed => member.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            errors.Add(new(Field(path, name), numbersAllowed ? $"{name} must be text or a number." : $"{name} must be text."));
            return null;
        }

        if (string.IsNullOrWhiteSpace(text) || UserText.Problem(text, MaxTextLength) is not null)
        {
            errors.Add(new(Field(path, name), $"{name} must be 1 to {MaxTextLength} characters, not blank, without control characters."));
            return null;
        }

        return text;
    }

    private static Guid? PredictionId(JsonElement? given, string path, ICollection<KeyValuePair<string, string>> errors)
    {
        if (given is not { } member)
            return null;
        if (member.ValueKind == JsonValueKind.String && Guid.TryParse(member.GetString(), out var id) && id != Guid.Empty)
            return id;
        errors.Add(new(Field(path, "predictionId"),
            $"{Shown(member)} is not a prediction id: a prediction id is the UUID a prediction answered with, such as 01a206be-d1d4-7d1c-b62e-dbdcf315a6a7."));
        return null;
    }

    private static DateTimeOffset? ObservedAt(JsonElement? given, string path, ICollection<KeyValuePair<string, string>> errors)
    {
        if (given is not { } member)
            return null;
        if (member.ValueKind == JsonValueKind.String
            && member.GetString() is { } text
            && Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add(new(Field(path, "observedAt"),
            $"{Shown(member)} is not an RFC 3339 time: give the date, the time and the offset, e.g. 2001-02-03T09:52:00Z or 2001-02-03T03:52:00-06:00."));
        return null;
    }

    private static double? Value(JsonElement? given, string path, ICollection<KeyValuePair<string, string>> errors)
    {
        if (given is not { } member)
            return null;
        if (member.ValueKind == JsonValueKind.Number && member.TryGetDouble(out var value) && double.IsFinite(value))
            return value;
        errors.Add(new(Field(path, "value"), $"value must be a number (e.g. 37), not {Shown(member)}; send text as label."));
        return null;
    }

    // The offending value as the client wrote it, cut short: enough to find it, never a whole payload.
    private static string Shown(JsonElement value) => UserText.Shown(value.GetRawText(), 60);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
