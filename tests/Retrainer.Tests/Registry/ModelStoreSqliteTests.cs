using Modeling.Bundles;
using Retrainer.Registry;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Registry;

/// <summary>The model store contract on the embedded provider (a SQLite file and the models folder), and the folder's layout.</summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class ModelStoreSqliteTests(BootstrapModelFixture fixture) : ModelStoreContract(fixture), IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"model-store-{Guid.NewGuid():N}");
    private readonly List<EmbeddedDatabase> _databases = [];

    private string ModelsFolder => Path.Combine(_folder, "models");

    protected override ModelStore CreateStore()
    {
        var database = new EmbeddedDatabase(Path.Combine(_folder, "retrainer.db"));
        _databases.Add(database);
        return new ModelStore(database, new FolderModelFiles(ModelsFolder));
    }

    protected override ModelStore Reopen(ModelStore store) => CreateStore();

    [DemoDataFact]
    public async Task A_version_is_a_bundle_folder_named_after_the_model_and_version()
    {
        await CreateStore().AddAsync(Fixture.Bundle with { Card = Fixture.Bundle.Card with { Version = "8" } }, DateTimeOffset.UnixEpoch, CancellationToken.None);

        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(ModelsFolder, "flight-delay", "8"), CancellationToken.None);
        Assert.NotNull(read.Bundle);
    }

    [DemoDataFact]
    public async Task A_version_written_straight_into_the_folder_is_registered_at_start_with_its_cards_file_time()
    {
        // As the training command line writes a bundle.
        var folder = await (Fixture.Bundle with { Card = Fixture.Bundle.Card with { Version = "8" } }).WriteAsync(ModelsFolder, CancellationToken.None);
        var written = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(folder, ModelBundle.CardFileName), written);
        var store = CreateStore();

        var imported = await ModelsFolderImport.ImportAsync(store, ModelsFolder, CancellationToken.None);

        Assert.Equal(("flight-delay", "8"), (Assert.Single(imported).ModelName, imported[0].Version));
        Assert.Equal(new DateTimeOffset(written), (await store.DescribeAsync("flight-delay", "8", CancellationToken.None))!.RegisteredAt);
        Assert.Empty(await ModelsFolderImport.ImportAsync(Reopen(store), ModelsFolder, CancellationToken.None));
    }

    [DemoDataFact]
    public async Task A_version_whose_ONNX_file_is_gone_from_the_folder_is_listed_but_not_found()
    {
        var store = CreateStore();
        await store.AddAsync(Fixture.Bundle, DateTimeOffset.UnixEpoch, CancellationToken.None);

        File.Delete(Path.Combine(ModelBundle.FolderOf(ModelsFolder, "flight-delay", "1"), Fixture.Bundle.Card.Artifact.File));

        Assert.Null(await store.FindAsync("flight-delay", "1", CancellationToken.None));
        Assert.Equal(["1"], await store.VersionsAsync("flight-delay", CancellationToken.None));
        Assert.True(await store.DeleteAsync("flight-delay", "1", CancellationToken.None));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
