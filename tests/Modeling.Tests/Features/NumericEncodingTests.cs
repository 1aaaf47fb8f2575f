using Modeling.Cards;
using Modeling.Features;

namespace Modeling.Tests.Features;

public sealed class NumericEncodingTests
{
    private static readonly NumericFeature Distance = new() { Name = "distance", Min = 0, Max = 10000 };

    [Theory]
    [InlineData("""{"distance": 1744}""", 1744f)]
    [InlineData("""{"distance": 1744.5}""", 1744.5f)]
    [InlineData("""{"distance": "1744"}""", 1744f)]
    [InlineData("""{"distance": " 1e3 "}""", 1000f)]
    [InlineData("""{"distance": 0}""", 0f)]
    [InlineData("""{"distance": 10000}""", 10000f)]
    public void Number_or_numeric_text_within_the_range_is_the_column_value(string json, float expected)
    {
        Assert.Equal([expected], Featurized.Of(Distance, json).Valid());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"distance": null}""")]
    [InlineData("""{"distance": ""}""")]
    [InlineData("""{"distance": "   "}""")]
    public void Missing_distance_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Distance, json).Error();

        Assert.Equal(("distance", FieldErrorCodes.Missing), (error.Field, error.Code));
    }

    [Fact]
    public void Missing_distance_is_imputed_when_the_spec_says_impute()
    {
        var distance = Distance with { WhenMissing = MissingPolicy.Impute, ImputeValue = 700 };

        Assert.Equal([700f], Featurized.Of(distance, """{"distance": null}""").Valid());
    }

    [Theory]
    [InlineData("""{"distance": "NaN"}""")]
    [InlineData("""{"distance": "Infinity"}""")]
    [InlineData("""{"distance": "-Infinity"}""")]
    [InlineData("""{"distance": 1e400}""")]
    public void Not_finite_distance_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Distance with { Min = null, Max = null }, json).Error();

        Assert.Equal(("distance", FieldErrorCodes.NotFinite), (error.Field, error.Code));
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(10000.5)]
    public void Distance_outside_the_range_is_reported_with_the_bounds(double value)
    {
        var error = Featurized.Of(Distance, $$"""{"distance": {{value}}}""").Error();

        Assert.Equal(("distance", FieldErrorCodes.OutOfRange), (error.Field, error.Code));
        Assert.Contains("[0, 10000]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-5, 0f)]
    [InlineData(12000, 10000f)]
    public void Distance_outside_the_range_is_clipped_when_the_spec_says_clip(double value, float expected)
    {
        var distance = Distance with { WhenOutOfRange = OutOfRangePolicy.Clip };

        Assert.Equal([expected], Featurized.Of(distance, $$"""{"distance": {{value}}}""").Valid());
    }

    [Theory]
    [InlineData("""{"distance": "far"}""", "'far'")]
    [InlineData("""{"distance": "1,5"}""", "'1,5'")]
    [InlineData("""{"distance": true}""", "true")]
    [InlineData("""{"distance": {"miles": 5}}""", "an object")]
    [InlineData("""{"distance": [5]}""", "an array")]
    public void Distance_that_is_not_a_number_is_reported_with_what_was_sent(string json, string described)
    {
        var error = Featurized.Of(Distance, json).Error();

        Assert.Equal(("distance", FieldErrorCodes.NotANumber), (error.Field, error.Code));
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_scaling_subtracts_the_mean_and_divides_by_the_deviation()
    {
        var distance = Distance with { Scaling = new NumericScaling(ScalingMethod.Standard, Mean: 700, StandardDeviation: 500) };

        Assert.Equal([2f], Featurized.Of(distance, """{"distance": 1700}""").Valid());
    }

    [Fact]
    public void Min_max_scaling_maps_the_range_to_zero_and_one()
    {
        var distance = Distance with { Scaling = new NumericScaling(ScalingMethod.MinMax) };

        Assert.Equal([0.25f], Featurized.Of(distance, """{"distance": 2500}""").Valid());
    }

    [Fact]
    public void Imputed_and_clipped_values_are_scaled_like_sent_values()
    {
        var distance = Distance with
        {
            WhenMissing = MissingPolicy.Impute,
            ImputeValue = 5000,
            WhenOutOfRange = OutOfRangePolicy.Clip,
            Scaling = new NumericScaling(ScalingMethod.MinMax),
        };

        Assert.Equal([0.5f], Featurized.Of(distance, "{}").Valid());
        Assert.Equal([1f], Featurized.Of(distance, """{"distance": 99999}""").Valid());
    }
}
