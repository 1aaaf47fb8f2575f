using Modeling.Cards;

namespace Modeling.Features;

/// <summary>A timestamp feature: one column per part, from the clock time as written.</summary>
internal sealed class TimestampEncoder(TimestampFeature spec) : FeatureEncoder(spec.Name, spec.Parts.Count)
{
    public override FieldError? Encode(RawValue value, Span<float> destination)
    {
        if (value.Kind == RawValueKind.Missing)
            return Fail(FieldErrorCodes.Missing, "is required (an ISO 8601 date and time, e.g. 2001-02-03T07:45:00)");
        if (value.AsTimestamp() is not { } timestamp)
            return Fail(FieldErrorCodes.InvalidTimestamp, $"expected an ISO 8601 date and time such as 2001-02-03T07:45:00, got {Describe(value)}");

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
