using Modeling.Cards;
using Modeling.Features;

namespace Modeling.Tests.Features;

public sealed class TimestampEncodingTests
{
    private static readonly TimestampFeature Date = new()
    {
        Name = "date",
        Parts = [TimestampPart.Minute, TimestampPart.Hour, TimestampPart.DayOfWeek, TimestampPart.DayOfMonth, TimestampPart.DayOfYear, TimestampPart.Month, TimestampPart.Year],
    };

    [Fact]
    public void Each_part_is_a_column_named_after_the_field_and_part()
    {
        Assert.Equal(
            ["date.minute", "date.hour", "date.dayOfWeek", "date.dayOfMonth", "date.dayOfYear", "date.month", "date.year"],
            Featurizer.Create([Date]).Columns);
    }

    [Theory]
    // 2001-02-03 is a Saturday (6), day 34 of the year.
    [InlineData("2001-02-03T07:45:00", 45f, 7f, 6f, 3f, 34f, 2f, 2001f)]
    [InlineData("2001-02-03T07:45:59.999", 45f, 7f, 6f, 3f, 34f, 2f, 2001f)]
    // Sunday is 0; 2000 is a leap year, so 31 December is day 366.
    [InlineData("2000-12-31T23:59:00", 59f, 23f, 0f, 31f, 366f, 12f, 2000f)]
    [InlineData("2001-02-04", 0f, 0f, 0f, 4f, 35f, 2f, 2001f)]
    public void Parts_of_a_timestamp_are_its_calendar_values(string timestamp, params float[] expected)
    {
        Assert.Equal(expected, Featurized.Of(Date, $$"""{"date": "{{timestamp}}"}""").Valid());
    }

    [Theory]
    [InlineData("2001-02-03T23:45:00-06:00")]
    [InlineData("2001-02-03T23:45:00+09:00")]
    [InlineData("2001-02-03T23:45:00Z")]
    [InlineData("2001-02-03T23:45:00+05:30")]
    public void Offset_does_not_shift_the_clock_time_as_written(string timestamp)
    {
        // A flight's local departure hour is what predicts its delay, so 23:45 stays Saturday 23:45 whatever the offset.
        Assert.Equal([45f, 23f, 6f, 3f, 34f, 2f, 2001f], Featurized.Of(Date, $$"""{"date": "{{timestamp}}"}""").Valid());
    }

    [Theory]
    [InlineData("""{"date": "2001-02-30T07:45:00"}""")]
    [InlineData("""{"date": "2001-02-03T25:00:00"}""")]
    [InlineData("""{"date": "yesterday"}""")]
    [InlineData("""{"date": 20010203}""")]
    [InlineData("""{"date": true}""")]
    public void Unreadable_timestamp_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Date, json).Error();

        Assert.Equal(("date", FieldErrorCodes.InvalidTimestamp), (error.Field, error.Code));
        Assert.Contains("ISO 8601", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"date": null}""")]
    [InlineData("""{"date": ""}""")]
    public void Missing_timestamp_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Date, json).Error();

        Assert.Equal(("date", FieldErrorCodes.Missing), (error.Field, error.Code));
    }

    [Fact]
    public void Typed_timestamp_gives_the_same_parts_as_its_text()
    {
        var featurizer = Featurizer.Create([Date]);
        var typed = new float[featurizer.Width];

        var result = featurizer.Featurize(new TypedDate(new DateTime(2001, 2, 3, 7, 45, 0)), typed);

        Assert.True(result.IsValid);
        Assert.Equal(Featurized.Of(featurizer, """{"date": "2001-02-03T07:45:00"}""").Valid(), typed);
    }

    private readonly record struct TypedDate(DateTime Date) : IRawRecord
    {
        public RawValue ValueOf(string field) => field == "date" ? RawValue.Of(Date) : RawValue.Missing;
    }
}
