using Modeling.Cards;
using Monitor.References;

namespace Monitor.Tests.References;

/// <summary>
/// Which features a model's live performance is broken down by: the card's <c>monitoring.segmentBy</c>, or without it every
/// categorical feature with at most 50 categories; and how a row names its category.
/// </summary>
public sealed class SegmentColumnTests
{
    private static readonly string[] Airports = [.. Enumerable.Range(0, 206).Select(index => $"A{index:000}")];

    [Fact]
    public void Without_segmentBy_every_categorical_feature_of_at_most_50_categories_is_a_segment()
    {
        var card = Card(monitoring: null);

        // size: 49 values + unknown = 50; color: 2 + unknown, one-hot; shade: 50 hash buckets; origin: 206 airports + unknown;
        // flag: 50 values + unknown = 51; x is a number.
        Assert.Equal(["size", "color", "shade"], SegmentColumn.Of(card).Select(segment => segment.Feature));
    }

    [Fact]
    public void SegmentBy_names_the_segments_even_large_ones_and_an_empty_list_means_none()
    {
        Assert.Equal(["origin"], SegmentColumn.Of(Card(new MonitoringSpec { SegmentBy = ["origin"] })).Select(segment => segment.Feature));
        Assert.Empty(SegmentColumn.Of(Card(new MonitoringSpec { SegmentBy = [] })));
    }

    [Fact]
    public void A_flights_card_with_its_airport_vocabularies_has_no_default_segment_and_gets_origin_by_naming_it()
    {
        FeatureSpec[] features =
        [
            new CategoricalFeature { Name = "origin", Vocabulary = Airports },
            new CategoricalFeature { Name = "destination", Vocabulary = Airports },
            new NumericFeature { Name = "distance" },
            new TimestampFeature { Name = "date", Parts = [TimestampPart.Hour, TimestampPart.DayOfWeek, TimestampPart.Month] },
        ];
        var flights = new ModelCard { Name = "flight-delay", Version = "1", Task = ModelTask.Binary, Features = features };

        Assert.Empty(SegmentColumn.Of(flights));
        Assert.Equal(["origin"], SegmentColumn.Of(flights with { Monitoring = new MonitoringSpec { SegmentBy = ["origin"] } }).Select(segment => segment.Feature));
    }

    [Fact]
    public void A_row_names_its_category_by_the_index_column_or_by_the_one_hot_column_that_is_set()
    {
        var segments = SegmentColumn.Of(Card(new MonitoringSpec { SegmentBy = ["size", "color", "shade"] })).ToDictionary(segment => segment.Feature);
        // Tensor columns: size (index), x, color=red, color=green, color=<unknown>, shade (index), origin, flag.
        float[] row = [3, 0.5f, 0, 1, 0, 7, 0, 0];

        Assert.Equal("s3", segments["size"].CategoryOf(row));
        Assert.Equal("green", segments["color"].CategoryOf(row));
        Assert.Equal("#7", segments["shade"].CategoryOf(row));
        Assert.Equal(CategoricalFeature.UnknownBucket, segments["size"].CategoryOf([49, 0, 0, 0, 1, 0, 0, 0]));
        Assert.Equal(CategoricalFeature.UnknownBucket, segments["color"].CategoryOf([49, 0, 0, 0, 1, 0, 0, 0]));
        Assert.Null(segments["color"].CategoryOf([1, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Null(segments["shade"].CategoryOf([1, 0]));
    }

    private static ModelCard Card(MonitoringSpec? monitoring) => new()
    {
        Name = "segments",
        Version = "1",
        Task = ModelTask.Binary,
        Features =
        [
            new CategoricalFeature { Name = "size", Vocabulary = [.. Enumerable.Range(0, 49).Select(index => $"s{index}")] },
            new NumericFeature { Name = "x" },
            new CategoricalFeature { Name = "color", Vocabulary = ["red", "green"], Encoding = CategoricalEncoding.OneHot },
            new CategoricalFeature { Name = "shade", HashBuckets = 50 },
            new CategoricalFeature { Name = "origin", Vocabulary = Airports },
            new CategoricalFeature { Name = "flag", Vocabulary = [.. Enumerable.Range(0, 50).Select(index => $"f{index}")] },
        ],
        Monitoring = monitoring,
    };
}
