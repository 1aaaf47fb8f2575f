using Modeling.Files;

namespace Modeling.Tests.Files;

public sealed class PathSegmentsTests
{
    [Theory]
    [InlineData("flight-delay")]
    [InlineData("1")]
    [InlineData("2026.12.07-rc_1")]
    [InlineData(".datasets")]
    [InlineData("model.onnx")]
    [InlineData("flights 3m.parquet")]
    [InlineData("données.csv")]
    public void A_plain_name_is_plain(string segment)
    {
        Assert.True(PathSegments.IsPlain(segment));
        Assert.Null(PathSegments.Problem(segment));
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData(".", "only of dots")]
    [InlineData("..", "only of dots")]
    [InlineData("...", "only of dots")]
    [InlineData("../secrets.csv", "contains '/'")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("/etc", "contains '/'")]
    [InlineData("..\\model.onnx", "contains '\\'")]
    [InlineData("C:", "contains ':'")]
    [InlineData("model.onnx:stream", "contains ':'")]
    [InlineData("*.csv", "contains '*'")]
    [InlineData("a\nb", "control character")]
    [InlineData("a\0b", "control character")]
    [InlineData("a\u007fb", "control character")]
    [InlineData(" model", "white space")]
    [InlineData("model ", "white space")]
    [InlineData("model.", "ends with a dot")]
    public void A_name_that_is_not_plain_says_why(string? segment, string reason)
    {
        Assert.False(PathSegments.IsPlain(segment));
        Assert.Contains(reason, PathSegments.Problem(segment), StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_longer_than_255_bytes_of_utf8_is_not_plain()
    {
        Assert.True(PathSegments.IsPlain(new string('a', 255)));
        Assert.False(PathSegments.IsPlain(new string('a', 256)));
        // 128 two-byte characters are 256 bytes.
        Assert.Contains("255 bytes", PathSegments.Problem(new string('é', 128)), StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_joins_plain_names_under_the_root()
    {
        Assert.Equal(Path.Combine("root", "flight-delay", "7"), PathSegments.Combine("root", "flight-delay", "7"));
    }

    [Theory]
    [InlineData("..", "1")]
    [InlineData("flight-delay", "..")]
    [InlineData("flight-delay", "/etc")]
    [InlineData("flight-delay/../other", "1")]
    public void Combine_refuses_a_name_that_would_leave_the_root(string name, string version)
    {
        var refused = Assert.Throws<ArgumentException>(() => PathSegments.Combine("root", name, version));

        Assert.Contains("is not a plain file or folder name", refused.Message, StringComparison.Ordinal);
    }
}
