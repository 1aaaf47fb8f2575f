using Modeling.Cards;
using Modeling.Features;
using Modeling.Text;

namespace Modeling.Tests.Text;

public sealed class UserTextTests
{
    [Theory]
    [InlineData("AA123", 200)]
    [InlineData("", 200)]
    [InlineData("späte Ankunft, 20 min", 200)]
    public void Text_within_its_limit_without_control_characters_can_be_kept(string text, int maxLength)
    {
        Assert.Null(UserText.Problem(text, maxLength));
    }

    [Theory]
    [InlineData("a\nb", "control character")]
    [InlineData("a\tb", "control character")]
    [InlineData("a\u0085b", "control character")]
    [InlineData("a\u001bb", "control character")]
    public void Text_with_a_control_character_cannot_be_kept(string text, string reason)
    {
        Assert.Contains(reason, UserText.Problem(text, 200), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_longer_than_its_limit_cannot_be_kept()
    {
        Assert.Null(UserText.Problem(new string('k', UserText.MaxKeyLength), UserText.MaxKeyLength));
        Assert.Equal("is longer than 200 characters", UserText.Problem(new string('k', UserText.MaxKeyLength + 1), UserText.MaxKeyLength));
    }

    [Fact]
    public void Shown_text_is_cut_and_has_no_control_characters()
    {
        Assert.Equal("a?b?c", UserText.Shown("a\nb\rc"));
        Assert.Equal(new string('x', 80) + "…", UserText.Shown(new string('x', 10_000)));
        Assert.Equal("abc…", UserText.Shown("abcdef".AsSpan(), 3));
        Assert.Equal("", UserText.Shown((string?)null));
    }

    [Fact]
    public void A_featurizer_error_repeats_at_most_40_characters_of_a_value()
    {
        var featurizer = Featurizer.Create([new CategoricalFeature { Name = "origin", Vocabulary = ["ORD"], WhenUnknown = UnknownCategoryPolicy.Error }]);
        var record = new JsonRecord(System.Text.Json.JsonSerializer.SerializeToElement(new { origin = new string('Z', 1_000_000) + "\n" }));

        var result = featurizer.Featurize(record, new float[featurizer.Width]);

        var error = Assert.Single(result.Errors);
        Assert.True(error.Message.Length < 120, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
