using System.Security.Cryptography;
using System.Text;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Tests.Cards;

namespace Modeling.Tests.Bundles;

public sealed class ModelBundleTests : IDisposable
{
    private static readonly byte[] Onnx = Encoding.ASCII.GetBytes("not really ONNX, but the bundle only stores and checks bytes");

    private readonly TemporaryFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Written_bundle_is_read_back_with_its_card_and_model()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay(), Onnx).WriteAsync(_root.Path, CancellationToken.None);

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Empty(read.Errors);
        Assert.Equal(Onnx, read.Bundle!.Onnx);
        Assert.Equal(ModelCardJson.Serialize(SampleCards.FlightDelay() with { Artifact = read.Bundle.Card.Artifact }), ModelCardJson.Serialize(read.Bundle.Card));
    }

    [Theory]
    [InlineData("../escape", "$.name")]
    [InlineData("Flight Delay", "$.name")]
    public async Task An_invalid_card_is_refused_and_nothing_is_written(string name, string path)
    {
        var bundle = new ModelBundle(SampleCards.FlightDelay() with { Name = name }, Onnx);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => bundle.WriteAsync(_root.Path, CancellationToken.None));

        Assert.Contains(path + ":", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root.Path));
    }

    [Theory]
    [InlineData("..", "1")]
    [InlineData(".", "1")]
    [InlineData("flight-delay", "..")]
    [InlineData("flight-delay", "../../etc")]
    public void The_folder_of_a_name_or_version_that_is_not_a_plain_segment_is_refused(string name, string version)
    {
        Assert.Throws<ArgumentException>(() => ModelBundle.FolderOf(_root.Path, name, version));
    }

    [Fact]
    public async Task Bundle_is_written_to_the_name_and_version_folder()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay() with { Version = "7" }, Onnx).WriteAsync(_root.Path, CancellationToken.None);

        Assert.Equal(_root.Combine("flight-delay", "7"), folder);
        Assert.Equal(ModelBundle.FolderOf(_root.Path, "flight-delay", "7"), folder);
        Assert.Equal(["model-card.json", "model.onnx"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Written_card_carries_the_model_sha256()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay(), Onnx).WriteAsync(_root.Path, CancellationToken.None);

        var card = (await ModelCardReader.ReadFileAsync(Path.Combine(folder, ModelBundle.CardFileName), CancellationToken.None)).Card!;

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Onnx)), card.Artifact.Sha256);
        Assert.Equal(card.Artifact.Sha256, ModelBundle.Sha256Of(Onnx));
    }

    [Fact]
    public async Task Rewriting_a_bundle_replaces_its_files_and_leaves_no_temporary_files()
    {
        var bundle = new ModelBundle(SampleCards.FlightDelay(), Onnx);
        await bundle.WriteAsync(_root.Path, CancellationToken.None);
        byte[] retrained = [1, 2, 3];

        var folder = await (bundle with { Onnx = retrained }).WriteAsync(_root.Path, CancellationToken.None);

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);
        Assert.Empty(read.Errors);
        Assert.Equal(retrained, read.Bundle!.Onnx);
        Assert.Equal(2, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public async Task Tampered_model_is_reported_as_a_checksum_mismatch()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay(), Onnx).WriteAsync(_root.Path, CancellationToken.None);
        var tampered = Onnx.ToArray();
        tampered[0] ^= 1;
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), tampered);

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Null(read.Bundle);
        var error = Assert.Single(read.Errors);
        Assert.Equal("$.artifact.sha256", error.Path);
        Assert.Contains(ModelBundle.Sha256Of(tampered), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Card_without_a_checksum_is_read_without_checking()
    {
        // Hand-written cards of models trained elsewhere may leave sha256 out.
        var folder = Directory.CreateDirectory(_root.Combine("external", "1")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, ModelBundle.CardFileName), ModelCardJson.Serialize(SampleCards.FlightDelay() with { Name = "external" }));
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), Onnx);

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Empty(read.Errors);
        Assert.Null(read.Bundle!.Card.Artifact.Sha256);
    }

    [Fact]
    public async Task Missing_folder_is_reported_not_thrown()
    {
        var folder = _root.Combine("flight-delay", "404");

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Null(read.Bundle);
        var error = Assert.Single(read.Errors);
        Assert.Equal("$", error.Path);
        Assert.Contains(Path.Combine(folder, ModelBundle.CardFileName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_model_file_is_reported_with_its_name()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay(), Onnx).WriteAsync(_root.Path, CancellationToken.None);
        File.Delete(Path.Combine(folder, "model.onnx"));

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Null(read.Bundle);
        var error = Assert.Single(read.Errors);
        Assert.Equal("$.artifact.file", error.Path);
        Assert.Contains("model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_card_is_reported_with_its_errors()
    {
        var folder = await new ModelBundle(SampleCards.FlightDelay(), Onnx).WriteAsync(_root.Path, CancellationToken.None);
        var cardPath = Path.Combine(folder, ModelBundle.CardFileName);
        await File.WriteAllTextAsync(cardPath, (await File.ReadAllTextAsync(cardPath)).Replace("\"task\": \"binary\"", "\"task\": \"guess\"", StringComparison.Ordinal));

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Null(read.Bundle);
        Assert.Equal("$.task", Assert.Single(read.Errors).Path);
    }

    [Fact]
    public async Task Card_that_is_not_json_is_reported_not_thrown()
    {
        var folder = Directory.CreateDirectory(_root.Combine("flight-delay", "2")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, ModelBundle.CardFileName), "version: 2");

        var read = await ModelBundle.ReadAsync(folder, CancellationToken.None);

        Assert.Null(read.Bundle);
        Assert.Equal("$", Assert.Single(read.Errors).Path);
    }
}
