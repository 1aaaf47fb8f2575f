using System.Text.Json.Nodes;
using Modeling.Cards;

namespace Modeling.Tests.Cards;

public sealed class ModelCardReaderTests
{
    [Fact]
    public void Hand_written_card_is_read_with_every_part()
    {
        var card = Read(SampleCards.FlightDelayJson);

        Assert.Equal(("flight-delay", "1", ModelTask.Binary), (card.Name, card.Version, card.Task));
        var origin = Assert.IsType<CategoricalFeature>(card.Features[0]);
        Assert.Equal(SampleCards.Airports, origin.Vocabulary);
        Assert.Equal("Departure airport (IATA code).", origin.Description);
        Assert.IsType<CategoricalFeature>(card.Features[1]);
        var distance = Assert.IsType<NumericFeature>(card.Features[2]);
        Assert.Equal((0.0, 10000.0), (distance.Min, distance.Max));
        var date = Assert.IsType<TimestampFeature>(card.Features[3]);
        Assert.Equal([TimestampPart.Hour, TimestampPart.DayOfWeek, TimestampPart.Month], date.Parts);
        Assert.Equal(["origin", "destination", "distance", "date.hour", "date.dayOfWeek", "date.month"], card.Input.Columns);
        Assert.Equal(("probability", 0.5), (card.Output.Probability, card.Output.Threshold));
        Assert.Equal(15, card.Label?.PositiveWhenGreaterThan);
        Assert.Equal(0.35, card.Reference?.Columns[0].Frequencies?["DFW"]);
        Assert.Equal(0.7157, card.Metrics?.Holdout?.Auc);
        Assert.Equal(new DateTime(2001, 2, 1), card.Lineage?.WindowEnd);
        Assert.Equal("7b2027210712cd211a3c3bd2670b89a8f06d7d37efb21e03f5fe4a4f592039ed", card.Artifact.Sha256);
    }

    [Fact]
    public void Card_survives_a_write_and_read_round_trip()
    {
        var card = Read(SampleCards.FlightDelayJson);

        var json = ModelCardJson.Serialize(card);
        var again = Read(json);

        Assert.Equal(json, ModelCardJson.Serialize(again));
        Assert.Equal(card.Input.Columns, again.Input.Columns);
        Assert.Equal(card.Features.Select(feature => feature.GetType()), again.Features.Select(feature => feature.GetType()));
        Assert.Equal(card.Reference!.Columns[1].Histogram!.Counts, again.Reference!.Columns[1].Histogram!.Counts);
        Assert.Equal(card.Lineage!.Hyperparameters, again.Lineage!.Hyperparameters);
    }

    [Fact]
    public void Written_card_uses_camel_case_names_and_enum_values()
    {
        var json = ModelCardJson.Serialize(SampleCards.FlightDelay());

        Assert.Contains("\"kind\": \"timestamp\"", json, StringComparison.Ordinal);
        Assert.Contains("\"dayOfWeek\"", json, StringComparison.Ordinal);
        Assert.Contains("\"task\": \"binary\"", json, StringComparison.Ordinal);
        Assert.Contains("\"positiveWhenGreaterThan\": 15", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Feature_without_a_kind_is_reported_at_its_kind()
    {
        var error = SingleError(Mutate(card => card["features"]![1]!.AsObject().Remove("kind")));

        Assert.Equal("$.features[1].kind", error.Path);
        Assert.Contains("numeric, categorical or timestamp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_feature_kind_is_reported_at_its_kind()
    {
        var error = SingleError(Mutate(card => card["features"]![2]!["kind"] = "number"));

        Assert.Equal("$.features[2].kind", error.Path);
        Assert.Contains("'number'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misspelled_property_is_reported_with_its_path_instead_of_being_ignored()
    {
        var json = SampleCards.FlightDelayJson.Replace("\"vocabulary\": [\"ORD\", \"DFW\", \"ATL\", \"LAX\", \"PHX\"],", "\"vocabluary\": [\"ORD\"],", StringComparison.Ordinal);

        var error = SingleError(json);

        Assert.Equal("$.features[0].vocabluary", error.Path);
        Assert.Contains("'vocabluary'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 11)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_top_level_property_is_reported()
    {
        Assert.Equal("$.colour", SingleError(Mutate(card => card["colour"] = "blue")).Path);
    }

    [Theory]
    [InlineData("features", 2, "min", "\"far\"", "$.features[2].min")]
    [InlineData("features", 0, "hashBuckets", "1.5", "$.features[0].hashBuckets")]
    [InlineData("features", 3, "parts", "[\"hours\"]", "$.features[3].parts[0]")]
    [InlineData("features", 0, "whenMissing", "\"impute-please\"", "$.features[0].whenMissing")]
    public void Value_of_the_wrong_type_is_reported_with_its_path(string array, int index, string property, string value, string path)
    {
        var error = SingleError(Mutate(card => card[array]![index]![property] = JsonNode.Parse(value)));

        Assert.Equal(path, error.Path);
    }

    [Theory]
    [InlineData("task", "\"classification\"", "$.task")]
    [InlineData("task", "1", "$.task")]
    [InlineData("schemaVersion", "\"one\"", "$.schemaVersion")]
    [InlineData("features", "{}", "$.features")]
    [InlineData("input", "[]", "$.input")]
    public void Top_level_value_of_the_wrong_type_is_reported_with_its_path(string property, string value, string path)
    {
        Assert.Equal(path, SingleError(Mutate(card => card[property] = JsonNode.Parse(value))).Path);
    }

    [Theory]
    [InlineData("input")]
    [InlineData("output")]
    [InlineData("features")]
    [InlineData("artifact")]
    [InlineData("name")]
    public void Null_for_a_required_part_is_reported_instead_of_throwing(string property)
    {
        Assert.Equal($"$.{property}", SingleError(Mutate(card => card[property] = null)).Path);
    }

    [Fact]
    public void Null_inside_a_feature_is_reported_instead_of_throwing()
    {
        Assert.Equal("$.features[3].parts", SingleError(Mutate(card => card["features"]![3]!["parts"] = null)).Path);
    }

    [Fact]
    public void Null_feature_is_reported_at_its_index()
    {
        var errors = ModelCardReader.Read(Mutate(card => card["features"]![1] = null)).Errors;

        Assert.Contains(errors, error => error.Path == "$.features[1]");
    }

    [Fact]
    public void Missing_required_fields_are_all_reported_at_once()
    {
        var json = Mutate(card =>
        {
            card.AsObject().Remove("name");
            card.AsObject().Remove("task");
            card["input"]!.AsObject().Remove("name");
        });

        var paths = ModelCardReader.Read(json).Errors.Select(error => error.Path).ToList();

        Assert.Contains("$.name", paths);
        Assert.Contains("$.task", paths);
        Assert.Contains("$.input.name", paths);
    }

    [Fact]
    public void Invalid_json_syntax_is_reported_with_its_line()
    {
        const string json = """
            {
              "name": "flight-delay",
              "version": "1"
              "task": "binary"
            }
            """;

        var error = SingleError(json);

        Assert.Equal("$", error.Path);
        Assert.Contains("(line 4)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    public void Text_that_is_not_a_card_object_is_reported_at_the_root(string json)
    {
        Assert.Equal("$", SingleError(json).Path);
    }

    [Fact]
    public async Task Card_file_is_read_and_validated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"model-card-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, SampleCards.FlightDelayJson);
        try
        {
            var read = await ModelCardReader.ReadFileAsync(path, CancellationToken.None);

            Assert.True(read.IsValid, string.Join("; ", read.Errors));
            Assert.Equal("flight-delay", read.Card!.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_card_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-card-{Guid.NewGuid():N}.json");

        var read = await ModelCardReader.ReadFileAsync(path, CancellationToken.None);

        var error = Assert.Single(read.Errors);
        Assert.Null(read.Card);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static ModelCard Read(string json)
    {
        var read = ModelCardReader.Read(json);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        Assert.Empty(read.Errors);
        return read.Card!;
    }

    private static ModelCardError SingleError(string json)
    {
        var read = ModelCardReader.Read(json);
        Assert.False(read.IsValid);
        Assert.Null(read.Card);
        Assert.True(read.Errors.Count == 1, $"expected one error, got: {string.Join("; ", read.Errors)}");
        return read.Errors[0];
    }

    private static string Mutate(Action<JsonNode> change)
    {
        var card = JsonNode.Parse(SampleCards.FlightDelayJson, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        change(card);
        return card.ToJsonString();
    }
}
