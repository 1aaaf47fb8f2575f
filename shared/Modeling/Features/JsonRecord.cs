using System.Text.Json;

namespace Modeling.Features;

/// <summary>A JSON object as a raw record. Field names match exactly first, then ignoring case.</summary>
public readonly struct JsonRecord(JsonElement element) : IRawRecord
{
    /// <inheritdoc />
    public RawValue ValueOf(string field)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return RawValue.Missing;
        if (!element.TryGetProperty(field, out var value) && !TryGetIgnoringCase(field, out value))
            return RawValue.Missing;

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => RawValue.Of(number),
            JsonValueKind.Number => RawValue.Unsupported("a number too large for a double"),
            JsonValueKind.String => RawValue.Of(value.GetString()),
            JsonValueKind.Null or JsonValueKind.Undefined => RawValue.Missing,
            JsonValueKind.True => RawValue.Unsupported("true"),
            JsonValueKind.False => RawValue.Unsupported("false"),
            JsonValueKind.Object => RawValue.Unsupported("an object"),
            _ => RawValue.Unsupported("an array"),
        };
    }

    private bool TryGetIgnoringCase(string field, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(field) || string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
