using Modeling.Cards;
using static Modeling.Tests.Cards.SampleCards;

namespace Modeling.Tests.Cards;

public sealed class ModelCardValidatorTests
{
    [Fact]
    public void Valid_card_has_no_errors()
    {
        Assert.Empty(ModelCardValidator.Validate(FlightDelay()));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("-1")]
    [InlineData("1/2")]
    [InlineData("1\\2")]
    public void A_version_that_is_not_a_plain_name_is_reported(string version)
    {
        var errors = ModelCardValidator.Validate(FlightDelay() with { Version = version });

        Assert.Contains(errors, error => error.Path == "$.version" && error.Message.Contains("starting with a letter or digit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2026.12.07-rc_1")]
    [InlineData("v1.0")]
    public void A_plain_version_is_valid(string version)
    {
        Assert.Empty(ModelCardValidator.Validate(FlightDelay() with { Version = version }));
    }

    [Fact]
    public void Duplicate_feature_names_are_reported_ignoring_case()
    {
        var card = WithFeatures(FlightDelay(), Origin, Distance, Distance with { Name = "Distance" });

        AssertSingleError(card, "$.features[2].name", "'Distance' is listed more than once");
    }

    [Fact]
    public void Card_without_features_is_reported()
    {
        var errors = ModelCardValidator.Validate(WithFeatures(FlightDelay()));

        Assert.Contains(errors, error => error.Path == "$.features" && error.Message.Contains("at least one feature", StringComparison.Ordinal));
    }

    [Fact]
    public void Feature_without_a_name_is_reported()
    {
        AssertSingleError(WithFeature(2, Distance with { Name = " " }), "$.features[2].name", "is required");
    }

    [Fact]
    public void Empty_vocabulary_is_reported()
    {
        AssertSingleError(WithFeature(1, Destination with { Vocabulary = [] }), "$.features[1].vocabulary", "must not be empty");
    }

    [Theory]
    [InlineData("ORD", "listed more than once")]
    [InlineData("ord", "listed more than once (compared ignoring case)")]
    [InlineData("", "must not be empty")]
    [InlineData(" SFO", "white space")]
    [InlineData("<unknown>", "reserved for the unknown bucket")]
    public void Bad_vocabulary_value_is_reported_at_its_index(string value, string message)
    {
        AssertSingleError(WithFeature(0, Origin with { Vocabulary = ["ORD", "DFW", value] }), "$.features[0].vocabulary[2]", message);
    }

    [Fact]
    public void Vocabulary_differing_only_in_case_is_valid_when_case_sensitive()
    {
        Assert.Empty(ModelCardValidator.Validate(WithFeature(0, Origin with { Vocabulary = ["ORD", "ord"], CaseSensitive = true })));
    }

    [Fact]
    public void Categorical_needs_exactly_one_of_vocabulary_and_hash_buckets()
    {
        AssertSingleError(WithFeature(0, Origin with { Vocabulary = null }), "$.features[0]", "either vocabulary or hashBuckets");
        AssertSingleError(WithFeature(0, Origin with { HashBuckets = 16 }), "$.features[0]", "choose one");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(ModelCardValidator.MaxHashBuckets + 1)]
    public void Hash_bucket_count_outside_the_allowed_range_is_reported(int buckets)
    {
        AssertSingleError(WithFeature(0, Origin with { Vocabulary = null, HashBuckets = buckets }), "$.features[0].hashBuckets", "between 1 and");
    }

    [Fact]
    public void Hashing_with_unknown_values_refused_is_reported()
    {
        var origin = Origin with { Vocabulary = null, HashBuckets = 64, WhenUnknown = UnknownCategoryPolicy.Error };

        AssertSingleError(WithFeature(0, origin), "$.features[0].whenUnknown", "hashing has no unknown values");
    }

    [Fact]
    public void Hashing_with_missing_values_sent_to_an_unknown_bucket_is_reported()
    {
        // The featurizer has no unknown bucket when hashing, so it would refuse missing values whatever the card says.
        var origin = Origin with { Vocabulary = null, HashBuckets = 64, WhenMissing = MissingPolicy.Unknown };

        AssertSingleError(WithFeature(0, origin), "$.features[0].whenMissing", "hashing has no unknown bucket");
    }

    [Fact]
    public void Imputing_a_missing_category_is_reported()
    {
        AssertSingleError(WithFeature(0, Origin with { WhenMissing = MissingPolicy.Impute }), "$.features[0].whenMissing", "impute is for numeric");
    }

    [Fact]
    public void Min_greater_than_max_is_reported()
    {
        AssertSingleError(WithFeature(2, Distance with { Min = 500, Max = 100 }), "$.features[2].min", "500 is greater than max 100");
    }

    [Fact]
    public void Min_equal_to_max_is_valid()
    {
        Assert.Empty(ModelCardValidator.Validate(WithFeature(2, Distance with { Min = 100, Max = 100 })));
    }

    [Fact]
    public void Impute_without_a_value_is_reported()
    {
        AssertSingleError(WithFeature(2, Distance with { WhenMissing = MissingPolicy.Impute }), "$.features[2].imputeValue", "is required");
    }

    [Fact]
    public void Impute_value_outside_the_range_is_reported()
    {
        var distance = Distance with { WhenMissing = MissingPolicy.Impute, ImputeValue = -1 };

        AssertSingleError(WithFeature(2, distance), "$.features[2].imputeValue", "outside [min, max]");
    }

    [Fact]
    public void Numeric_missing_value_as_unknown_is_reported()
    {
        AssertSingleError(WithFeature(2, Distance with { WhenMissing = MissingPolicy.Unknown }), "$.features[2].whenMissing", "unknown is for categorical");
    }

    [Fact]
    public void Clipping_without_bounds_is_reported()
    {
        var distance = Distance with { Min = null, Max = null, WhenOutOfRange = OutOfRangePolicy.Clip };

        AssertSingleError(WithFeature(2, distance), "$.features[2].whenOutOfRange", "clip needs min or max");
    }

    [Theory]
    [InlineData(null, 1.0, "$.features[2].scaling")]
    [InlineData(5.0, null, "$.features[2].scaling")]
    [InlineData(5.0, 0.0, "$.features[2].scaling.standardDeviation")]
    [InlineData(5.0, -2.0, "$.features[2].scaling.standardDeviation")]
    public void Incomplete_standard_scaling_is_reported(double? mean, double? deviation, string path)
    {
        var distance = Distance with { Scaling = new NumericScaling(ScalingMethod.Standard, mean, deviation) };

        AssertSingleError(WithFeature(2, distance), path, "");
    }

    [Fact]
    public void Min_max_scaling_without_both_bounds_is_reported()
    {
        var distance = Distance with { Max = null, Scaling = new NumericScaling(ScalingMethod.MinMax) };

        AssertSingleError(WithFeature(2, distance), "$.features[2].scaling", "needs min and max");
    }

    [Fact]
    public void Timestamp_without_parts_is_reported()
    {
        AssertSingleError(WithFeature(3, Date with { Parts = [] }), "$.features[3].parts", "at least one part");
    }

    [Fact]
    public void Timestamp_part_listed_twice_is_reported()
    {
        AssertSingleError(WithFeature(3, Date with { Parts = [TimestampPart.Hour, TimestampPart.Hour] }), "$.features[3].parts", "more than once");
    }

    [Fact]
    public void Timestamp_with_a_missing_value_rule_other_than_error_is_reported()
    {
        AssertSingleError(WithFeature(3, Date with { WhenMissing = MissingPolicy.Impute }), "$.features[3].whenMissing", "no default");
    }

    [Fact]
    public void Input_column_that_differs_from_the_features_is_reported_at_its_index()
    {
        var card = FlightDelay();
        card = card with { Input = card.Input with { Columns = ["origin", "destination", "dist", "date.hour", "date.dayOfWeek", "date.month"] } };

        AssertSingleError(card, "$.input.columns[2]", "is 'dist' but the features produce 'distance'");
    }

    [Fact]
    public void Input_with_too_few_columns_is_reported()
    {
        var card = FlightDelay();
        card = card with { Input = card.Input with { Columns = ["origin", "destination"] } };

        AssertSingleError(card, "$.input.columns", "lists 2 columns but the features produce 6");
    }

    [Fact]
    public void Input_without_a_name_or_columns_is_reported()
    {
        var card = FlightDelay() with { Input = new ModelInput() };

        var paths = ModelCardValidator.Validate(card).Select(error => error.Path);

        Assert.Equal(["$.input.name", "$.input.columns"], paths);
    }

    [Theory]
    [InlineData("Flight Delay", "1", "$.name")]
    [InlineData("-flight", "1", "$.name")]
    [InlineData("", "1", "$.name")]
    [InlineData("flight-delay", "1/2", "$.version")]
    [InlineData("flight-delay", "", "$.version")]
    [InlineData("flight-delay.", "1", "$.name")]
    [InlineData("flight-delay", "1.", "$.version")]
    public void Name_or_version_that_is_not_url_safe_is_reported(string name, string version, string path)
    {
        AssertSingleError(FlightDelay() with { Name = name, Version = version }, path, "");
    }

    [Fact]
    public void Unsupported_schema_version_is_reported()
    {
        AssertSingleError(FlightDelay() with { SchemaVersion = 2 }, "$.schemaVersion", "unsupported version 2");
    }

    [Fact]
    public void Missing_task_is_reported()
    {
        AssertSingleError(FlightDelay() with { Task = ModelTask.Unspecified }, "$.task", "is required");
    }

    [Fact]
    public void Binary_model_without_a_probability_output_is_reported()
    {
        var card = FlightDelay();

        AssertSingleError(card with { Output = card.Output with { Probability = null } }, "$.output.probability", "binary");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void Threshold_outside_zero_and_one_is_reported(double threshold)
    {
        var card = FlightDelay();

        AssertSingleError(card with { Output = card.Output with { Threshold = threshold } }, "$.output.threshold", "between 0 and 1");
    }

    [Fact]
    public void Binary_model_with_three_labels_is_reported()
    {
        var card = FlightDelay();

        AssertSingleError(card with { Output = card.Output with { Labels = ["a", "b", "c"] } }, "$.output.labels", "two labels");
    }

    [Fact]
    public void Regression_model_without_a_score_output_is_reported()
    {
        AssertSingleError(FlightDelay() with { Task = ModelTask.Regression, Label = null }, "$.output.score", "regression");
    }

    [Fact]
    public void Binary_label_without_a_threshold_is_reported()
    {
        var card = FlightDelay();

        AssertSingleError(card with { Label = card.Label! with { PositiveWhenGreaterThan = null } }, "$.label.positiveWhenGreaterThan", "binary");
    }

    [Theory]
    [InlineData("../model.onnx")]
    [InlineData("models/model.onnx")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("model.onnx:stream")]
    [InlineData("model\nonnx")]
    [InlineData("model.")]
    public void Artifact_outside_the_bundle_folder_is_reported(string file)
    {
        AssertSingleError(FlightDelay() with { Artifact = new ModelArtifact { File = file } }, "$.artifact.file", "");
    }

    [Fact]
    public void Artifact_named_like_the_card_is_reported()
    {
        AssertSingleError(FlightDelay() with { Artifact = new ModelArtifact { File = "model-card.json" } }, "$.artifact.file", "model-card.json");
    }

    [Theory]
    [InlineData("7B2027210712CD211A3C3BD2670B89A8F06D7D37EFB21E03F5FE4A4F592039ED")]
    [InlineData("7b2027")]
    public void Checksum_that_is_not_lower_case_sha256_is_reported(string sha256)
    {
        AssertSingleError(FlightDelay() with { Artifact = new ModelArtifact { Sha256 = sha256 } }, "$.artifact.sha256", "64 lower-case");
    }

    [Fact]
    public void Reference_statistics_of_an_unknown_column_are_reported()
    {
        var card = FlightDelay() with { Reference = Reference(new ColumnStatistics { Column = "airline", Kind = ColumnKind.Categorical }) };

        AssertSingleError(card, "$.reference.columns[0].column", "'airline' is not one of the input columns");
    }

    [Fact]
    public void Frequencies_that_do_not_add_up_to_one_are_reported()
    {
        var origin = new ColumnStatistics { Column = "origin", Kind = ColumnKind.Categorical, Frequencies = new Dictionary<string, double> { ["ORD"] = 0.5, ["DFW"] = 0.2 } };

        AssertSingleError(FlightDelay() with { Reference = Reference(origin) }, "$.reference.columns[0].frequencies", "add up to 0.7");
    }

    [Fact]
    public void Decreasing_quantiles_are_reported()
    {
        var distance = new ColumnStatistics { Column = "distance", Kind = ColumnKind.Continuous, Quantiles = [1, 3, 2] };

        AssertSingleError(FlightDelay() with { Reference = Reference(distance) }, "$.reference.columns[0].quantiles", "must not decrease");
    }

    [Theory]
    [InlineData(new double[] { 0, 1, 2 }, new long[] { 5 }, "$.reference.columns[0].histogram")]
    [InlineData(new double[] { 0, 1, 1 }, new long[] { 5, 5 }, "$.reference.columns[0].histogram.edges")]
    [InlineData(new double[] { 0, 1, 2 }, new long[] { 5, -1 }, "$.reference.columns[0].histogram.counts")]
    public void Inconsistent_histogram_is_reported(double[] edges, long[] counts, string path)
    {
        var distance = new ColumnStatistics { Column = "distance", Kind = ColumnKind.Continuous, Histogram = new Histogram { Edges = edges, Counts = counts } };

        AssertSingleError(FlightDelay() with { Reference = Reference(distance) }, path, "");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var card = WithFeatures(FlightDelay() with { Name = "", Task = ModelTask.Unspecified }, Origin with { Vocabulary = [] }, Distance with { Min = 2, Max = 1 });

        var paths = ModelCardValidator.Validate(card).Select(error => error.Path);

        Assert.Equal(["$.name", "$.task", "$.features[0].vocabulary", "$.features[1].min"], paths);
    }

    private static ReferenceStatistics Reference(ColumnStatistics column) => new() { Rows = 10, Columns = [column] };

    [Fact]
    public void Segments_must_name_categorical_features()
    {
        Assert.Empty(ModelCardValidator.Validate(FlightDelay() with { Monitoring = new MonitoringSpec { SegmentBy = ["origin"] } }));
        AssertSingleError(FlightDelay() with { Monitoring = new MonitoringSpec { SegmentBy = ["origin", "distance"] } }, "$.monitoring.segmentBy[1]", "'distance' is not a categorical feature");
    }

    [Fact]
    public void A_reference_source_is_training_dataset_or_live()
    {
        var card = FlightDelay();
        AssertSingleError(card with { Reference = new ReferenceStatistics { Source = "guess" } }, "$.reference.source", "'guess' is not training, dataset or live");
    }

    private static void AssertSingleError(ModelCard card, string path, string message)
    {
        var errors = ModelCardValidator.Validate(card);
        Assert.True(errors.Count == 1, $"expected one error at {path}, got: {(errors.Count == 0 ? "none" : string.Join("; ", errors))}");
        Assert.Equal(path, errors[0].Path);
        Assert.Contains(message, errors[0].Message, StringComparison.Ordinal);
    }
}
