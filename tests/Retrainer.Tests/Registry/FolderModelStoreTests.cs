using Microsoft.Extensions.Logging.Abstractions;
using Modeling.Bundles;
using Retrainer.Registry;

namespace Retrainer.Tests.Registry;

/// <summary>The model store contract on the models folder (the embedded registry), and its folder layout.</summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class FolderModelStoreTests(BootstrapModelFixture fixture) : ModelStoreContract(fixture), IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"model-store-{Guid.NewGuid():N}");

    protected override IModelStore CreateStore() => new FolderModelStore(_folder, Time, NullLogger<FolderModelStore>.Instance);

    protected override IModelStore Reopen(IModelStore store) => CreateStore();

    [DemoDataFact]
    public async Task A_version_is_a_bundle_folder_named_after_the_model_and_version()
    {
        await CreateStore().AddAsync(Fixture.Bundle with { Card = Fixture.Bundle.Card with { Version = "8" } }, CancellationToken.None);

        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(_folder, "flight-delay", "8"), CancellationToken.None);
        Assert.NotNull(read.Bundle);
    }

    [DemoDataFact]
    public async Task A_version_written_straight_into_the_folder_is_described_with_its_cards_file_time()
    {
        // As the training command line writes a bundle, and as a Retrainer wrote them before it recorded registrations.
        var folder = await (Fixture.Bundle with { Card = Fixture.Bundle.Card with { Version = "8" } }).WriteAsync(_folder, CancellationToken.None);
        var written = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(folder, ModelBundle.CardFileName), written);

        var described = await CreateStore().DescribeAsync("flight-delay", "8", CancellationToken.None);

        Assert.Equal(new DateTimeOffset(written), described!.RegisteredAt);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
