using System.Globalization;

namespace Modeling.Features;

/// <summary>What a raw field holds, whatever the record's format (JSON, CSV, Parquet, an event).</summary>
public enum RawValueKind
{
    /// <summary>The field is absent, null, or an empty or blank string.</summary>
    Missing,

    /// <summary>A number.</summary>
    Number,

    /// <summary>Text (which may still parse as a number or a timestamp).</summary>
    Text,

    /// <summary>A date and time already typed by the source (e.g. a Parquet timestamp column).</summary>
    Timestamp,

    /// <summary>Anything else: true/false, an object, an array.</summary>
    Other,
}

/// <summary>One raw field value, without boxing.</summary>
public readonly record struct RawValue(RawValueKind Kind, double Number = 0, string? Text = null, DateTime Timestamp = default)
{
    /// <summary>The missing value.</summary>
    public static RawValue Missing => default;

    /// <summary>A number.</summary>
    public static RawValue Of(double number) => new(RawValueKind.Number, Number: number);

    /// <summary>Text; blank text counts as missing.</summary>
    public static RawValue Of(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Missing : new(RawValueKind.Text, Text: text);

    /// <summary>A typed date and time.</summary>
    public static RawValue Of(DateTime timestamp) => new(RawValueKind.Timestamp, Timestamp: timestamp);

    /// <summary>
    /// The date and time this value holds: a typed timestamp, or ISO 8601 text read as the clock time written (a zone
    /// offset does not move it: a flight's local departure hour is what predicts its delay). Null for anything else.
    /// The one reading of a timestamp field, for the featurizer and for whatever selects rows by time.
    /// </summary>
    public DateTime? AsTimestamp() => Kind switch
    {
        RawValueKind.Timestamp => Timestamp,
        RawValueKind.Text when DateTimeOffset.TryParse(Text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var parsed) => parsed.DateTime,
        _ => null,
    };

    /// <summary>A value of an unsupported kind, described for error messages (e.g. "true", "an object").</summary>
    public static RawValue Unsupported(string description) => new(RawValueKind.Other, Text: description);
}
