using Modeling.Cards;
using Modeling.Features;
using Modeling.Flights;
using Modeling.Tests.Cards;

namespace Modeling.Tests.Features;

public sealed class FeaturizerTests
{
    private static readonly Featurizer FlightDelay = Featurizer.Create(SampleCards.FlightDelay());

    private const string ValidFlight = """{"origin": "ATL", "destination": "SFO", "distance": 2139, "date": "2001-02-03T07:45:00"}""";

    [Fact]
    public void Columns_are_the_card_input_columns_in_feature_order()
    {
        Assert.Equal(SampleCards.FlightDelay().Input.Columns, FlightDelay.Columns);
        Assert.Equal(6, FlightDelay.Width);
    }

    [Fact]
    public void Vector_holds_each_feature_at_its_columns_in_spec_order()
    {
        // origin ATL = 2, destination SFO = unknown bucket 5, distance, then hour, day of week (Saturday), month.
        Assert.Equal([2f, 5f, 2139f, 7f, 6f, 2f], Featurized.Of(FlightDelay, ValidFlight).Valid());
    }

    [Fact]
    public void Vector_order_follows_the_spec_not_the_record()
    {
        const string reordered = """{"date": "2001-02-03T07:45:00", "distance": 2139, "destination": "SFO", "origin": "ATL"}""";

        Assert.Equal(Featurized.Of(FlightDelay, ValidFlight).Valid(), Featurized.Of(FlightDelay, reordered).Valid());
    }

    [Fact]
    public void Every_invalid_field_is_reported_together_with_its_name()
    {
        const string json = """{"origin": true, "destination": "ORD", "distance": "far", "date": "soon"}""";

        var errors = Featurized.Of(FlightDelay, json).Errors;

        Assert.Equal(
            [("origin", FieldErrorCodes.NotACategory), ("distance", FieldErrorCodes.NotANumber), ("date", FieldErrorCodes.InvalidTimestamp)],
            errors.Select(error => (error.Field, error.Code)));
    }

    [Fact]
    public void Empty_record_reports_every_field_missing()
    {
        var errors = Featurized.Of(FlightDelay, "{}").Errors;

        Assert.Equal(["origin", "destination", "distance", "date"], errors.Select(error => error.Field));
        Assert.All(errors, error => Assert.Equal(FieldErrorCodes.Missing, error.Code));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"ORD\"")]
    public void Record_that_is_not_an_object_reports_every_field_missing(string json)
    {
        Assert.Equal(4, Featurized.Of(FlightDelay, json).Errors.Count(error => error.Code == FieldErrorCodes.Missing));
    }

    [Fact]
    public void Field_names_match_ignoring_case()
    {
        const string json = """{"Origin": "ATL", "DESTINATION": "SFO", "Distance": 2139, "date": "2001-02-03T07:45:00"}""";

        Assert.Equal(Featurized.Of(FlightDelay, ValidFlight).Valid(), Featurized.Of(FlightDelay, json).Valid());
    }

    [Fact]
    public void Exact_field_name_wins_over_a_different_casing()
    {
        Assert.Equal([5f], Featurized.Of(SampleCards.Distance, """{"Distance": 9, "distance": 5}""").Valid());
    }

    [Fact]
    public void Flight_from_the_parquet_reader_featurizes_like_its_json_form()
    {
        // Training reads typed Parquet rows, serving reads JSON: both must give the model the same vector.
        var flight = new FlightRecord(new DateTime(2001, 2, 3, 7, 45, 0), Delay: 20, Distance: 2139, Origin: "ATL", Destination: "SFO");
        var vector = new float[FlightDelay.Width];

        Assert.True(FlightDelay.Featurize(flight, vector).IsValid);
        Assert.Equal(Featurized.Of(FlightDelay, ValidFlight).Valid(), vector);
    }

    [Fact]
    public void Destination_of_the_wrong_length_is_refused()
    {
        var flight = new FlightRecord(new DateTime(2001, 2, 3), 0, 100, "ATL", "ORD");

        Assert.Throws<ArgumentException>(() => FlightDelay.Featurize(flight, new float[FlightDelay.Width + 1]));
    }

    [Fact]
    public void Featurizer_is_usable_from_many_threads_at_once()
    {
        var expected = Featurized.Of(FlightDelay, ValidFlight).Valid();
        var flight = new FlightRecord(new DateTime(2001, 2, 3, 7, 45, 0), 20, 2139, "ATL", "SFO");

        Parallel.For(0, 10_000, _ =>
        {
            var vector = new float[FlightDelay.Width];
            Assert.True(FlightDelay.Featurize(flight, vector).IsValid);
            Assert.Equal(expected, vector);
        });
    }

    [Fact]
    public void Unsupported_feature_kind_is_refused_when_the_featurizer_is_built()
    {
        Assert.Throws<ArgumentException>(() => Featurizer.Create([new OtherFeature { Name = "x" }]));
    }

    private sealed record OtherFeature : FeatureSpec
    {
        public override IReadOnlyList<string> Columns() => [Name];
    }
}
