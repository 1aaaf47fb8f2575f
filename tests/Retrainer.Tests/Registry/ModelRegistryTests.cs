using Microsoft.Extensions.Logging.Abstractions;
using Modeling.Bundles;
using Retrainer.Registry;

namespace Retrainer.Tests.Registry;

[Collection(BootstrapModelGroup.Name)]
public sealed class ModelRegistryTests(BootstrapModelFixture fixture) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}");

    [DemoDataFact]
    public async Task The_served_version_is_the_latest_usable_one_in_numeric_order()
    {
        foreach (var version in new[] { "2", "9", "10" })
            await (fixture.Bundle with { Card = fixture.Bundle.Card with { Version = version } }).WriteAsync(_folder, CancellationToken.None);
        // Version 10 is broken: its ONNX file is gone, so 9 serves.
        File.Delete(Path.Combine(ModelBundle.FolderOf(_folder, "flight-delay", "10"), "model.onnx"));

        var served = Assert.Single(await Registry().ServedAsync(null, CancellationToken.None));

        Assert.Equal("flight-delay", served.ModelName);
        Assert.Equal("9", served.Version);
        Assert.Equal(ModelBundle.Sha256Of(fixture.Bundle.Onnx), served.ArtifactSha256);
        Assert.Contains("\"version\": \"9\"", served.CardJson);
    }

    [DemoDataFact]
    public async Task A_version_is_found_by_name_and_a_path_outside_the_models_folder_is_not()
    {
        await fixture.Bundle.WriteAsync(_folder, CancellationToken.None);
        var registry = Registry();

        Assert.NotNull(await registry.FindAsync("flight-delay", "1", CancellationToken.None));
        Assert.Null(await registry.FindAsync("flight-delay", "2", CancellationToken.None));
        Assert.Null(await registry.FindAsync("..", "models", CancellationToken.None));
        Assert.Null(await registry.FindAsync("flight-delay/../flight-delay", "1", CancellationToken.None));
    }

    [Fact]
    public async Task An_empty_or_missing_models_folder_serves_nothing()
    {
        Assert.Empty(await Registry().ServedAsync(null, CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private ModelRegistry Registry() => new(new FolderModelStore(_folder, NullLogger<FolderModelStore>.Instance));
}
