using System.Text;
using Modeling.Bundles;
using Retrainer.Registry;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Upgrades;

/// <summary>
/// A models folder written by the Retrainer before the registry kept its versions as documents
/// (<c>models-before-documents</c>, written by that FolderModelStore: versions with <c>registration.json</c>, one written
/// by the training command line without, <c>aliases.json</c>) is registered when the Retrainer starts, with every time
/// and alias it recorded, and served as before; nothing in the folder moves.
/// </summary>
public sealed class RegistryUpgradeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset CommandLineWrote = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"registry-upgrade-{Guid.NewGuid():N}");
    private readonly ManualClock _time = new(new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly List<EmbeddedDatabase> _databases = [];

    private string ModelsFolder => Path.Combine(_folder, "models");

    [Fact]
    public async Task A_models_folder_written_before_the_document_store_is_registered_with_its_times_and_aliases()
    {
        CopyFixture();
        var store = Open();

        var imported = await ModelsFolderImport.ImportAsync(store, ModelsFolder, None);

        Assert.Equal(["arrival-delay/7", "flight-delay/1", "flight-delay/2", "flight-delay/3"], imported.Select(version => $"{version.ModelName}/{version.Version}").Order());
        Assert.Equal(["arrival-delay", "flight-delay"], await store.ModelNamesAsync(None));
        await AssertVersionAsync(store, "flight-delay", "1", new DateTimeOffset(2026, 11, 23, 10, 17, 42, TimeSpan.Zero).AddTicks(1234567));
        await AssertVersionAsync(store, "flight-delay", "2", new DateTimeOffset(2026, 11, 23, 11, 17, 42, TimeSpan.Zero).AddTicks(1235678));
        await AssertVersionAsync(store, "flight-delay", "3", CommandLineWrote);
        await AssertVersionAsync(store, "arrival-delay", "7", new DateTimeOffset(2026, 11, 24, 11, 17, 42, TimeSpan.Zero).AddTicks(1235681));
        Assert.Equal(
            [
                new ModelAlias("flight-delay", "challenger", "3", new DateTimeOffset(2026, 11, 23, 11, 18, 42, TimeSpan.Zero).AddTicks(1235685)),
                new ModelAlias("flight-delay", "champion", "2", new DateTimeOffset(2026, 11, 23, 11, 17, 42, TimeSpan.Zero).AddTicks(1235683)),
            ],
            await store.AliasesAsync("flight-delay", None));
        Assert.Empty(await store.AliasesAsync("arrival-delay", None));

        // Served as before: flight-delay by its champion, arrival-delay (no aliases) by its latest version.
        using var registry = new ModelRegistry(store, _time);
        Assert.Equal(["arrival-delay 7", "flight-delay 2"], (await registry.ServedAsync(null, None)).Select(served => $"{served.ModelName} {served.Version}"));
        // The folder is the embedded store's files, as it was: the import rewrote nothing.
        Assert.Equal(CommandLineWrote.UtcDateTime, File.GetLastWriteTimeUtc(CardOf("flight-delay", "3")));
    }

    [Fact]
    public async Task After_the_upgrade_the_store_takes_new_versions_and_aliases_and_a_second_start_imports_nothing()
    {
        CopyFixture();
        await ModelsFolderImport.ImportAsync(Open(), ModelsFolder, None);
        var store = Open();

        Assert.True(await store.AddAsync(await BundleAsync("flight-delay", "3", "4"), _time.Now, None));
        await store.SetAliasAsync(new ModelAlias("flight-delay", "champion", "4", _time.Now), None);
        Assert.True(await store.RemoveAliasAsync("flight-delay", "challenger", None));

        var reopened = Open();
        Assert.Empty(await ModelsFolderImport.ImportAsync(reopened, ModelsFolder, None));
        Assert.Equal(["1", "2", "3", "4"], (await reopened.VersionsAsync("flight-delay", None)).Order());
        Assert.Equal(_time.Now, (await reopened.DescribeAsync("flight-delay", "4", None))!.RegisteredAt);
        Assert.Equal([new ModelAlias("flight-delay", "champion", "4", _time.Now)], await reopened.AliasesAsync("flight-delay", None));
        Assert.NotNull((await ModelBundle.ReadAsync(ModelBundle.FolderOf(ModelsFolder, "flight-delay", "4"), None)).Bundle);
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static async Task AssertVersionAsync(ModelStore store, string model, string version, DateTimeOffset registeredAt)
    {
        var onnx = Encoding.UTF8.GetBytes($"not really ONNX: {model} version {version}");
        var described = await store.DescribeAsync(model, version, None);
        Assert.NotNull(described);
        Assert.Equal((registeredAt, ModelBundle.Sha256Of(onnx), onnx.LongLength, version), (described.RegisteredAt, described.Sha256, described.Bytes, described.Card.Version));
        Assert.Equal(onnx, (await store.FindAsync(model, version, None))!.Onnx);
    }

    // As the Retrainer opens it: its database with the upgrade scripts, the models folder.
    private ModelStore Open()
    {
        var database = new EmbeddedDatabase(Path.Combine(_folder, "store", "retrainer.db"), EmbeddedDatabase.UpgradesIn(typeof(RetrainerService).Assembly));
        _databases.Add(database);
        return new ModelStore(database, new FolderModelFiles(ModelsFolder));
    }

    private async Task<ModelBundle> BundleAsync(string model, string version, string newVersion)
    {
        var bundle = (await ModelBundle.ReadAsync(ModelBundle.FolderOf(ModelsFolder, model, version), None)).Bundle!;
        return new ModelBundle(bundle.Card with { Version = newVersion }, Encoding.UTF8.GetBytes($"not really ONNX: {model} version {newVersion}"));
    }

    private string CardOf(string model, string version) => Path.Combine(ModelBundle.FolderOf(ModelsFolder, model, version), ModelBundle.CardFileName);

    // Git keeps no file times: the command-line bundle's card gets the time it was written.
    private void CopyFixture()
    {
        var source = Path.Combine(BootstrapModelFixture.RepositoryRoot(), "tests", "Retrainer.Tests", "Upgrades", "models-before-documents");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(ModelsFolder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.SetLastWriteTimeUtc(CardOf("flight-delay", "3"), CommandLineWrote.UtcDateTime);
    }
}
