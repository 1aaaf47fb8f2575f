using Modeling.Cards;
using Modeling.Features;
using Modeling.Flights;
using Modeling.Statistics;
using Modeling.Tests.Cards;

namespace Modeling.Tests.Statistics;

public sealed class ReferenceStatisticsBuilderTests
{
    private static readonly NumericFeature Distance = new() { Name = "distance", Min = 0, Max = 10000 };

    private static readonly CategoricalFeature Origin = new() { Name = "origin", Vocabulary = ["ORD", "DFW"] };

    [Fact]
    public void Continuous_column_has_deciles_moments_and_decile_bins()
    {
        var column = Single(Distance, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

        Assert.Equal((ColumnKind.Continuous, 11L), (column.Kind, column.Count));
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], column.Quantiles);
        Assert.Equal(6.0, column.Mean!.Value, 1e-9);
        Assert.Equal(Math.Sqrt(10), column.StandardDeviation!.Value, 1e-9);
        Assert.Equal(column.Quantiles, column.Histogram!.Edges);
        // Bin i is [edge i, edge i+1); the last bin also holds its upper edge.
        Assert.Equal([1L, 1, 1, 1, 1, 1, 1, 1, 1, 2], column.Histogram.Counts);
    }

    [Fact]
    public void Quantiles_interpolate_between_values()
    {
        var column = Single(Distance, 10, 0);

        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], column.Quantiles);
        Assert.Equal([1L, 0, 0, 0, 0, 0, 0, 0, 0, 1], column.Histogram!.Counts);
    }

    [Fact]
    public void Repeated_deciles_collapse_into_one_bin()
    {
        var column = Single(Distance, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 9);

        Assert.Equal([5.0, 9], column.Histogram!.Edges);
        Assert.Equal([11L], column.Histogram.Counts);
    }

    [Fact]
    public void Constant_column_has_no_histogram()
    {
        var column = Single(Distance, 7, 7, 7);

        Assert.Null(column.Histogram);
        Assert.Equal((7.0, 0.0), (column.Mean, column.StandardDeviation));
    }

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(9.99, 0)]
    [InlineData(10, 1)]
    [InlineData(20, 1)]
    [InlineData(25, 1)]
    public void Value_falls_into_its_bin_and_values_outside_into_the_end_bins(double value, int bin)
    {
        Assert.Equal(bin, ReferenceStatisticsBuilder.BinOf(value, [0, 10, 20]));
    }

    [Fact]
    public void Vocabulary_column_has_the_share_of_each_category_by_name()
    {
        // Index 2 is the unknown bucket after ORD (0) and DFW (1).
        var column = Single(Origin, 0, 0, 1, 2);

        Assert.Equal((ColumnKind.Categorical, 4L), (column.Kind, column.Count));
        Assert.Equal(new Dictionary<string, double> { ["ORD"] = 0.5, ["DFW"] = 0.25, [CategoricalFeature.UnknownBucket] = 0.25 }, column.Frequencies);
    }

    [Fact]
    public void Hashed_column_names_categories_by_bucket()
    {
        var column = Single(new CategoricalFeature { Name = "origin", HashBuckets = 8 }, 3, 3, 7);

        Assert.Equal(["#3", "#7"], column.Frequencies!.Keys);
        Assert.Equal(2.0 / 3, column.Frequencies["#3"], 1e-9);
    }

    [Fact]
    public void Timestamp_part_column_has_the_share_of_each_part_value()
    {
        var column = Single(new TimestampFeature { Name = "date", Parts = [TimestampPart.DayOfWeek] }, 6, 6, 0, 1);

        Assert.Equal("date.dayOfWeek", column.Column);
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.25, ["1"] = 0.25, ["6"] = 0.5 }, column.Frequencies);
    }

    [Fact]
    public void One_hot_columns_each_have_the_share_of_zeros_and_ones()
    {
        var builder = new ReferenceStatisticsBuilder([Origin with { Encoding = CategoricalEncoding.OneHot }]);
        builder.Add([1, 0, 0], 0.1f, false);
        builder.Add([1, 0, 0], 0.1f, false);
        builder.Add([0, 0, 1], 0.1f, false);
        builder.Add([0, 1, 0], 0.1f, false);

        var columns = builder.Build().Columns;

        Assert.Equal(["origin=ORD", "origin=DFW", "origin=<unknown>"], columns.Select(column => column.Column));
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.5, ["1"] = 0.5 }, columns[0].Frequencies);
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.75, ["1"] = 0.25 }, columns[2].Frequencies);
    }

    [Fact]
    public void Output_statistics_bin_probabilities_in_tenths_and_count_positive_rates()
    {
        var builder = new ReferenceStatisticsBuilder([Distance], threshold: 0.5);
        (float Probability, bool Label)[] rows = [(0.05f, false), (0.15f, false), (0.15f, true), (0.95f, true), (1f, true)];
        foreach (var (probability, label) in rows)
            builder.Add([100], probability, label);

        var output = builder.Build().Output!;

        Assert.Equal([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], output.Probability!.Histogram!.Edges);
        Assert.Equal([1L, 2, 0, 0, 0, 0, 0, 0, 0, 2], output.Probability.Histogram.Counts);
        Assert.Equal(0.4, output.PredictedPositiveRate);
        Assert.Equal(0.6, output.LabelPositiveRate);
    }

    [Fact]
    public void Predicted_positive_rate_uses_the_card_threshold()
    {
        var builder = new ReferenceStatisticsBuilder([Distance], threshold: 0.1);
        foreach (var probability in new[] { 0.05f, 0.1f, 0.15f, 0.95f })
            builder.Add([100], probability, false);

        Assert.Equal(0.75, builder.Build().Output!.PredictedPositiveRate);
    }

    [Fact]
    public void No_rows_give_empty_statistics()
    {
        var reference = new ReferenceStatisticsBuilder([Distance]).Build();

        Assert.Equal(0, reference.Rows);
        Assert.Equal(0, reference.Columns[0].Count);
        Assert.Null(reference.Output!.PredictedPositiveRate);
        Assert.Null(reference.Output.LabelPositiveRate);
    }

    [Fact]
    public void Vector_of_the_wrong_width_is_refused()
    {
        var builder = new ReferenceStatisticsBuilder([Distance, Origin]);

        Assert.Throws<ArgumentException>(() => builder.Add([1f], 0.5f, false));
    }

    [Fact]
    public void Statistics_of_featurized_flights_make_a_valid_card()
    {
        var card = SampleCards.FlightDelay();
        var featurizer = Featurizer.Create(card);
        var builder = new ReferenceStatisticsBuilder(card.Features, card.Output.Threshold);
        var vector = new float[featurizer.Width];
        string[] airports = ["ORD", "DFW", "ATL", "SFO", "BOS"];
        for (var i = 0; i < 500; i++)
        {
            var flight = new FlightRecord(new DateTime(2001, 1, 1).AddMinutes(i * 97), i % 60, 100 + i * 7, airports[i % 5], airports[(i + 2) % 5]);
            Assert.True(featurizer.Featurize(flight, vector).IsValid);
            builder.Add(vector, probability: (i % 10) / 10f, label: flight.IsLate);
        }

        var reference = builder.Build();
        var errors = ModelCardValidator.Validate(card with { Reference = reference });

        Assert.Empty(errors);
        Assert.Equal(card.Input.Columns, reference.Columns.Select(column => column.Column));
        Assert.Equal(500, reference.Rows);
        Assert.Equal(0.2, reference.Columns[0].Frequencies!["ORD"], 1e-9);
        Assert.Equal(0.4, reference.Columns[0].Frequencies![CategoricalFeature.UnknownBucket], 1e-9);
    }

    private static ColumnStatistics Single(FeatureSpec feature, params float[] values)
    {
        var builder = new ReferenceStatisticsBuilder([feature]);
        foreach (var value in values)
            builder.Add([value], 0.5f, false);
        var reference = builder.Build();
        Assert.Equal(values.Length, reference.Rows);
        return Assert.Single(reference.Columns);
    }
}
