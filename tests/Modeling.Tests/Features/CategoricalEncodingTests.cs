using System.Text;
using Modeling.Cards;
using Modeling.Features;

namespace Modeling.Tests.Features;

public sealed class CategoricalEncodingTests
{
    private static readonly CategoricalFeature Origin = new() { Name = "origin", Vocabulary = ["ORD", "DFW", "ATL", "1234"] };

    private static readonly CategoricalFeature HashedOrigin = new() { Name = "origin", HashBuckets = 1000 };

    [Theory]
    [InlineData("ORD", 0f)]
    [InlineData("ATL", 2f)]
    [InlineData(" atl ", 2f)]
    [InlineData("dfw", 1f)]
    public void Known_value_is_its_vocabulary_index_trimmed_and_ignoring_case(string value, float index)
    {
        Assert.Equal([index], Featurized.Of(Origin, $$"""{"origin": "{{value}}"}""").Valid());
    }

    [Fact]
    public void Number_matches_its_text_in_the_vocabulary()
    {
        Assert.Equal([3f], Featurized.Of(Origin, """{"origin": 1234}""").Valid());
    }

    [Theory]
    [InlineData("""{"origin": "SFO"}""")]
    [InlineData("""{"origin": 12}""")]
    public void Unknown_value_is_the_unknown_bucket_after_the_vocabulary(string json)
    {
        Assert.Equal([4f], Featurized.Of(Origin, json).Valid());
    }

    [Fact]
    public void Other_casing_is_unknown_when_the_vocabulary_is_case_sensitive()
    {
        Assert.Equal([4f], Featurized.Of(Origin with { CaseSensitive = true }, """{"origin": "ord"}""").Valid());
    }

    [Fact]
    public void Unknown_value_is_reported_when_the_spec_refuses_unknown_values()
    {
        var error = Featurized.Of(Origin with { WhenUnknown = UnknownCategoryPolicy.Error }, """{"origin": "SFO"}""").Error();

        Assert.Equal(("origin", FieldErrorCodes.UnknownCategory), (error.Field, error.Code));
        Assert.Contains("'SFO'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"origin": null}""")]
    [InlineData("""{"origin": " "}""")]
    public void Missing_origin_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Origin, json).Error();

        Assert.Equal(("origin", FieldErrorCodes.Missing), (error.Field, error.Code));
    }

    [Fact]
    public void Missing_origin_is_the_unknown_bucket_when_the_spec_says_unknown()
    {
        var origin = Origin with { WhenMissing = MissingPolicy.Unknown, WhenUnknown = UnknownCategoryPolicy.Error };

        Assert.Equal([4f], Featurized.Of(origin, """{"origin": null}""").Valid());
    }

    [Theory]
    [InlineData("""{"origin": true}""")]
    [InlineData("""{"origin": {"code": "ORD"}}""")]
    [InlineData("""{"origin": ["ORD"]}""")]
    public void Origin_that_is_not_text_is_reported_with_the_field_name(string json)
    {
        var error = Featurized.Of(Origin, json).Error();

        Assert.Equal(("origin", FieldErrorCodes.NotACategory), (error.Field, error.Code));
    }

    [Fact]
    public void One_hot_encoding_sets_only_the_column_of_the_value()
    {
        var origin = Origin with { Encoding = CategoricalEncoding.OneHot };
        var featurizer = Featurizer.Create([origin]);

        Assert.Equal(["origin=ORD", "origin=DFW", "origin=ATL", "origin=1234", "origin=<unknown>"], featurizer.Columns);
        Assert.Equal([0f, 0f, 1f, 0f, 0f], Featurized.Of(featurizer, """{"origin": "ATL"}""").Valid());
        Assert.Equal([0f, 0f, 0f, 0f, 1f], Featurized.Of(featurizer, """{"origin": "SFO"}""").Valid());
    }

    [Fact]
    public void Fnv1a_matches_the_published_test_vectors()
    {
        Assert.Equal(0x811c9dc5u, CategoryHash.Fnv1a("", caseSensitive: true));
        Assert.Equal(0xe40c292cu, CategoryHash.Fnv1a("a", caseSensitive: true));
        Assert.Equal(0xbf9cf968u, CategoryHash.Fnv1a("foobar", caseSensitive: true));
    }

    [Fact]
    public void Fnv1a_upper_cases_unless_case_sensitive()
    {
        Assert.Equal(0xc40bf6ccu, CategoryHash.Fnv1a("a", caseSensitive: false));
        Assert.Equal(CategoryHash.Fnv1a("ORD", caseSensitive: true), CategoryHash.Fnv1a("ord", caseSensitive: false));
    }

    [Theory]
    [InlineData("ORD", 936f)]
    [InlineData(" ord ", 936f)]
    [InlineData("SFO", 25f)]
    [InlineData("zürich", 192f)]
    public void Hashed_value_lands_in_the_same_bucket_in_every_process(string value, float bucket)
    {
        // The buckets are FNV-1a of the trimmed, upper-cased UTF-8 text modulo 1000, computed outside .NET.
        Assert.Equal([bucket], Featurized.Of(HashedOrigin, $$"""{"origin": "{{value}}"}""").Valid());
    }

    [Fact]
    public void Hashed_number_lands_in_the_bucket_of_its_text()
    {
        Assert.Equal([661f], Featurized.Of(HashedOrigin, """{"origin": 1234}""").Valid());
    }

    [Fact]
    public void Hashed_values_are_fnv1a_modulo_the_bucket_count()
    {
        var origin = HashedOrigin with { HashBuckets = 37, CaseSensitive = true };
        var featurizer = Featurizer.Create([origin]);

        foreach (var value in new[] { "ORD", "ord", "LAX", "JFK", "Zürich", "東京", "x" })
        {
            var bucket = Featurized.Of(featurizer, $$"""{"origin": "{{value}}"}""").Valid()[0];

            Assert.Equal(ReferenceFnv1a(value) % 37, (uint)bucket);
            Assert.InRange(bucket, 0, 36);
        }
    }

    [Fact]
    public void Missing_hashed_value_is_reported()
    {
        var error = Featurized.Of(HashedOrigin, "{}").Error();

        Assert.Equal(("origin", FieldErrorCodes.Missing), (error.Field, error.Code));
    }

    [Fact]
    public void One_hot_hashing_has_one_column_per_bucket()
    {
        var featurizer = Featurizer.Create([HashedOrigin with { HashBuckets = 16, Encoding = CategoricalEncoding.OneHot }]);

        var vector = Featurized.Of(featurizer, """{"origin": "SFO"}""").Valid();

        Assert.Equal(16, featurizer.Width);
        Assert.Equal("origin=#9", featurizer.Columns[9]);
        Assert.Equal(9, Array.IndexOf(vector, 1f));
        Assert.Equal(15, vector.Count(value => value == 0));
    }

    private static uint ReferenceFnv1a(string text)
    {
        var hash = 0x811c9dc5u;
        foreach (var octet in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ octet) * 0x01000193u;
        return hash;
    }
}
