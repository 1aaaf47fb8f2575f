using System.Globalization;
using Modeling.Cards;

namespace Modeling.Features;

/// <summary>A numeric feature: missing and range rules, then optional scaling, into one column.</summary>
internal sealed class NumericEncoder(NumericFeature spec) : FeatureEncoder(spec.Name, 1)
{
    private readonly double _min = spec.Min ?? double.NegativeInfinity;
    private readonly double _max = spec.Max ?? double.PositiveInfinity;

    public override FieldError? Encode(RawValue value, Span<float> destination)
    {
        double number;
        switch (value.Kind)
        {
            case RawValueKind.Missing when spec.WhenMissing == MissingPolicy.Impute:
                destination[0] = Scale(spec.ImputeValue!.Value);
                return null;
            case RawValueKind.Missing:
                return Fail(FieldErrorCodes.Missing, "is required (a number)");
            case RawValueKind.Number:
                number = value.Number;
                break;
            case RawValueKind.Text when double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                break;
            default:
                return Fail(FieldErrorCodes.NotANumber, $"expected a number, got {Describe(value)}");
        }

        if (!double.IsFinite(number))
            return Fail(FieldErrorCodes.NotFinite, $"expected a finite number, got {Describe(value)}");

        if (number < _min || number > _max)
        {
            if (spec.WhenOutOfRange == OutOfRangePolicy.Error)
                return Fail(FieldErrorCodes.OutOfRange, $"{number.ToString("R")} is outside the valid range [{Bound(spec.Min)}, {Bound(spec.Max)}]");
            number = Math.Clamp(number, _min, _max);
        }

        destination[0] = Scale(number);
        return null;
    }

    private float Scale(double number) => spec.Scaling switch
    {
        { Method: ScalingMethod.Standard, Mean: { } mean, StandardDeviation: { } deviation } => (float)((number - mean) / deviation),
        { Method: ScalingMethod.MinMax } => (float)((number - _min) / (_max - _min)),
        _ => (float)number,
    };

    private static string Bound(double? bound) => bound?.ToString("R") ?? "none";
}
