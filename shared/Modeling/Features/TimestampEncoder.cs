using System.Globalization;
using Modeling.Cards;

namespace Modeling.Features;

/// <summary>A timestamp feature: one column per part, from the clock time as written.</summary>
internal sealed class TimestampEncoder(TimestampFeature spec) : FeatureEncoder(spec.Name, spec.Parts.Count)
{
    private const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal;

    public override FieldError? Encode(RawValue value, Span<float> destination)
    {
        DateTime timestamp;
        switch (value.Kind)
        {
            case RawValueKind.Missing:
                return Fail(FieldErrorCodes.Missing, "is required (an ISO 8601 date and time, e.g. 2001-02-03T07:45:00)");
            case RawValueKind.Timestamp:
                timestamp = value.Timestamp;
                break;
            case RawValueKind.Text when DateTimeOffset.TryParse(value.Text, CultureInfo.InvariantCulture, Styles, out var parsed):
                // The clock time as written: a flight's local departure hour is what predicts its delay.
                timestamp = parsed.DateTime;
                break;
            default:
                return Fail(FieldErrorCodes.InvalidTimestamp, $"expected an ISO 8601 date and time such as 2001-02-03T07:45:00, got {Describe(value)}");
        }

        for (var i = 0; i < spec.Parts.Count; i++)
        {
            destination[i] = spec.Parts[i] switch
            {
                TimestampPart.Minute => timestamp.Minute,
                TimestampPart.Hour => timestamp.Hour,
                TimestampPart.DayOfWeek => (int)timestamp.DayOfWeek,
                TimestampPart.DayOfMonth => timestamp.Day,
                TimestampPart.DayOfYear => timestamp.DayOfYear,
                TimestampPart.Month => timestamp.Month,
                TimestampPart.Year => timestamp.Year,
                _ => throw new InvalidOperationException($"unhandled timestamp part {spec.Parts[i]}"),
            };
        }

        return null;
    }
}
