using System.Text.Json;
using Contracts.Predictions;
using FeatureBuilder.Models;
using Modeling.Features;

namespace FeatureBuilder.Online;

/// <summary>
/// Posted records after validation: the feature rows of the valid ones (ready for Inference) and the
/// field errors of the others, by position.
/// </summary>
public sealed class FeaturizedRecords
{
    private FeaturizedRecords(int count, float[] features, ScoreRecord[] valid, int[] validIndexes, IReadOnlyList<FieldError>?[] errors)
    {
        Count = count;
        Features = features;
        Valid = valid;
        ValidIndexes = validIndexes;
        Errors = errors;
    }

    /// <summary>How many records were posted.</summary>
    public int Count { get; }

    /// <summary>The valid records' features, row-major.</summary>
    public float[] Features { get; }

    /// <summary>The valid records, as Inference receives them.</summary>
    public ScoreRecord[] Valid { get; }

    /// <summary>The posted position of each valid record.</summary>
    public int[] ValidIndexes { get; }

    /// <summary>The errors of each posted record (null for a valid one).</summary>
    public IReadOnlyList<FieldError>?[] Errors { get; }

    /// <summary>Validates and featurizes <paramref name="records"/> by the card.</summary>
    public static FeaturizedRecords Of(ServedCard card, IReadOnlyList<JsonElement> records, string entityKeyField)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(records);
        var width = card.Featurizer.Width;
        var all = new float[records.Count * width];
        var valid = new List<ScoreRecord>(records.Count);
        var validIndexes = new List<int>(records.Count);
        var errors = new IReadOnlyList<FieldError>?[records.Count];

        for (var index = 0; index < records.Count; index++)
        {
            var record = records[index];
            if (record.ValueKind != JsonValueKind.Object)
            {
                errors[index] = [new FieldError("$", "not_an_object", $"A record must be a JSON object, not {record.ValueKind.ToString().ToLowerInvariant()}.")];
                continue;
            }

            var result = card.Featurizer.Featurize(new JsonRecord(record), all.AsSpan(valid.Count * width, width));
            var entityKey = EntityKeyOf(record, entityKeyField, out var keyError);
            if (!result.IsValid || keyError is not null)
            {
                errors[index] = keyError is null ? result.Errors : [.. result.Errors, keyError];
                continue;
            }

            valid.Add(new ScoreRecord(entityKey, null, record.Clone()));
            validIndexes.Add(index);
        }

        return new FeaturizedRecords(records.Count, all[..(valid.Count * width)], [.. valid], [.. validIndexes], errors);
    }

    private static string? EntityKeyOf(JsonElement record, string field, out FieldError? error)
    {
        error = null;
        if (!record.TryGetProperty(field, out var key))
            return null;
        switch (key.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Number:
                var text = key.ValueKind == JsonValueKind.String ? key.GetString()! : key.GetRawText();
                error = EntityKeys.Problem(text, field);
                return error is null ? text : null;
            case JsonValueKind.Null:
                return null;
            default:
                error = new FieldError(field, "invalid_entity_key", $"The entity key must be text or a number, not {key.ValueKind.ToString().ToLowerInvariant()}.");
                return null;
        }
    }
}
