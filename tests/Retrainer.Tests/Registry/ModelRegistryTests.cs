using Contracts.Models;
using Modeling.Bundles;
using Retrainer.Registry;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Registry;

/// <summary>
/// The registry's rules over the embedded store (a SQLite file and the models folder): which version serves (champion,
/// else the latest usable), that registering never moves traffic, moving and removing aliases, and which versions may be
/// deleted; every change announced. Bundles written straight into the models folder are registered as at a start
/// (<see cref="ModelsFolderImport"/>).
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class ModelRegistryTests(BootstrapModelFixture fixture) : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}", "models");
    private readonly RecordedEvents _events = new();
    private readonly ManualClock _time = new();
    private EmbeddedDatabase? _database;
    private ModelStore? _store;
    private ModelRegistry? _registry;

    private ModelStore Store => _store ??= new ModelStore(_database = new EmbeddedDatabase(Path.Combine(_folder, "..", "retrainer.db")), new FolderModelFiles(_folder));

    private ModelRegistry Registry => _registry ??= new ModelRegistry(Store, _time, _events);

    [DemoDataFact]
    public async Task Without_a_champion_the_served_version_is_the_latest_usable_one_in_numeric_order()
    {
        foreach (var version in new[] { "2", "9", "10" })
            await Version(version).WriteAsync(_folder, None);
        await ImportFolderAsync();
        // Version 10 is broken: its ONNX file is gone, so 9 serves.
        File.Delete(Path.Combine(ModelBundle.FolderOf(_folder, "flight-delay", "10"), "model.onnx"));

        var served = Assert.Single(await Registry.ServedAsync(null, None));

        Assert.Equal("flight-delay", served.ModelName);
        Assert.Equal("9", served.Version);
        Assert.Equal(ModelBundle.Sha256Of(fixture.Bundle.Onnx), served.ArtifactSha256);
        Assert.Contains("\"version\": \"9\"", served.CardJson);
    }

    [DemoDataFact]
    public async Task The_champion_serves_even_when_later_versions_exist_and_a_broken_champion_falls_back_to_the_latest()
    {
        foreach (var version in new[] { "2", "9" })
            await Version(version).WriteAsync(_folder, None);
        await ImportFolderAsync();
        await Store.SetAliasAsync(new ModelAlias("flight-delay", AliasNames.Champion, "2", _time.Now), None);

        Assert.Equal("2", Assert.Single(await Registry.ServedAsync("flight-delay", None)).Version);

        File.Delete(Path.Combine(ModelBundle.FolderOf(_folder, "flight-delay", "2"), "model.onnx"));
        Assert.Equal("9", await Registry.ServedVersionAsync("flight-delay", None));
    }

    [DemoDataFact]
    public async Task The_first_version_registered_becomes_champion_and_a_later_one_is_registered_without_serving()
    {
        var first = await Registry.RegisterAsync(Version("1"), "bootstrap", None);
        var second = await Registry.RegisterAsync(Version("2"), "external", None);

        Assert.Equal(RegistrationOutcome.Registered, first.Outcome);
        Assert.Equal("1", first.Champion?.Version);
        Assert.Equal(RegistrationOutcome.Registered, second.Outcome);
        Assert.Null(second.Champion);
        Assert.Equal("1", await Registry.ServedVersionAsync("flight-delay", None));
        Assert.Equal(["1", "2"], _events.Registered.Select(registered => registered.Version));
        Assert.Equal(["bootstrap", "external"], _events.Registered.Select(registered => registered.Trigger));
        Assert.Equal(new Uri(ModelBundle.FolderOf(_folder, "flight-delay", "2") + Path.DirectorySeparatorChar), _events.Registered[1].ArtifactUri);
        var champion = Assert.Single(_events.AliasChanges);
        Assert.Equal((AliasNames.Champion, "1", (string?)null, "1"), (champion.Alias, champion.Version, champion.PreviousVersion, champion.ServedVersion));
    }

    [DemoDataFact]
    public async Task Registering_into_a_model_without_a_champion_pins_the_version_that_served_until_then()
    {
        // Bundles written straight into the models folder, as the training command line does: no aliases.
        foreach (var version in new[] { "1", "2" })
            await Version(version).WriteAsync(_folder, None);
        await ImportFolderAsync();

        await Registry.RegisterAsync(Version("3"), "external", None);

        Assert.Equal("2", await Registry.ServedVersionAsync("flight-delay", None));
        Assert.Equal("2", Assert.Single(await Store.AliasesAsync("flight-delay", None)).Version);
    }

    [DemoDataFact]
    public async Task A_version_registered_again_changes_nothing()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);

        var again = await Registry.RegisterAsync(Version("1") with { Onnx = [.. fixture.Bundle.Onnx, 0] }, "external", None);

        Assert.Equal(RegistrationOutcome.AlreadyExists, again.Outcome);
        Assert.Equal(fixture.Bundle.Onnx, (await Registry.FindAsync("flight-delay", "1", None))!.Onnx);
        Assert.Single(_events.Registered);
    }

    [DemoDataFact]
    public async Task Moving_the_champion_switches_the_served_version_and_is_announced_once()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);
        await Registry.RegisterAsync(Version("2"), "external", None);

        var moved = await Registry.SetAliasAsync("flight-delay", AliasNames.Champion, "2", None);
        var again = await Registry.SetAliasAsync("flight-delay", AliasNames.Champion, "2", None);

        Assert.Equal((AliasChangeOutcome.Changed, "1"), (moved.Outcome, moved.PreviousVersion));
        Assert.Equal(AliasChangeOutcome.Unchanged, again.Outcome);
        Assert.Equal("2", Assert.Single(await Registry.ServedAsync(null, None)).Version);
        var change = _events.AliasChanges[^1];
        Assert.Equal(2, _events.AliasChanges.Count);
        Assert.Equal(("2", "1", "2"), (change.Version, change.PreviousVersion, change.ServedVersion));
        Assert.Equal("2", change.Aliases[AliasNames.Champion]);
    }

    [DemoDataFact]
    public async Task An_alias_must_point_at_a_usable_version()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);

        var missing = await Registry.SetAliasAsync("flight-delay", AliasNames.Challenger, "5", None);

        Assert.Equal(AliasChangeOutcome.UnknownVersion, missing.Outcome);
        Assert.Equal([AliasNames.Champion], (await Registry.AliasesAsync("flight-delay", None)).Select(alias => alias.Name));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.SetAliasAsync("flight-delay", "Not An Alias", "1", None));
    }

    [DemoDataFact]
    public async Task The_champion_cannot_be_removed_and_another_alias_is_removed_and_announced()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);
        await Registry.RegisterAsync(Version("2"), "external", None);
        await Registry.SetAliasAsync("flight-delay", AliasNames.Challenger, "2", None);

        Assert.Equal(AliasRemoval.ChampionCannotBeRemoved, await Registry.RemoveAliasAsync("flight-delay", AliasNames.Champion, None));
        Assert.Equal(AliasRemoval.Removed, await Registry.RemoveAliasAsync("flight-delay", AliasNames.Challenger, None));
        Assert.Equal(AliasRemoval.NotFound, await Registry.RemoveAliasAsync("flight-delay", AliasNames.Challenger, None));

        Assert.Equal([AliasNames.Champion], (await Registry.AliasesAsync("flight-delay", None)).Select(alias => alias.Name));
        var removal = _events.AliasChanges[^1];
        Assert.Equal((AliasNames.Challenger, (string?)null, "2"), (removal.Alias, removal.Version, removal.PreviousVersion));
    }

    [DemoDataFact]
    public async Task A_version_that_serves_or_that_an_alias_names_is_not_deleted_and_the_reasons_say_which()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);
        await Registry.RegisterAsync(Version("2"), "external", None);
        await Registry.SetAliasAsync("flight-delay", AliasNames.Challenger, "2", None);

        var champion = await Registry.DeleteAsync("flight-delay", "1", None);
        var challenger = await Registry.DeleteAsync("flight-delay", "2", None);

        Assert.Equal(VersionDeletionOutcome.InUse, champion.Outcome);
        Assert.Equal([AliasNames.Champion], champion.Aliases);
        Assert.Contains("champion", Assert.Single(champion.Reasons), StringComparison.Ordinal);
        Assert.Equal(VersionDeletionOutcome.InUse, challenger.Outcome);
        Assert.Contains("'challenger'", Assert.Single(challenger.Reasons), StringComparison.Ordinal);
        Assert.Equal(["1", "2"], (await Store.VersionsAsync("flight-delay", None)).Order());
    }

    [DemoDataFact]
    public async Task Without_a_champion_the_latest_version_serves_and_is_not_deleted()
    {
        foreach (var version in new[] { "1", "2" })
            await Version(version).WriteAsync(_folder, None);
        await ImportFolderAsync();

        var latest = await Registry.DeleteAsync("flight-delay", "2", None);

        Assert.Equal(VersionDeletionOutcome.InUse, latest.Outcome);
        Assert.Contains("latest version", Assert.Single(latest.Reasons), StringComparison.Ordinal);
        Assert.Equal(VersionDeletionOutcome.Deleted, (await Registry.DeleteAsync("flight-delay", "1", None)).Outcome);
    }

    [DemoDataFact]
    public async Task A_version_in_no_use_is_deleted_with_the_aliases_left_pointing_nowhere()
    {
        await Registry.RegisterAsync(Version("1"), "bootstrap", None);
        await Registry.RegisterAsync(Version("2"), "external", None);
        // An alias to a version that no longer exists (a store edited by hand, or a crash between two writes).
        await Store.SetAliasAsync(new ModelAlias("flight-delay", "old", "0", _time.Now), None);

        var deleted = await Registry.DeleteAsync("flight-delay", "2", None);

        Assert.Equal(VersionDeletionOutcome.Deleted, deleted.Outcome);
        Assert.Equal(["old"], deleted.RemovedAliases);
        Assert.Equal(["1"], await Store.VersionsAsync("flight-delay", None));
        Assert.False(Directory.Exists(ModelBundle.FolderOf(_folder, "flight-delay", "2")));
        Assert.Equal(VersionDeletionOutcome.NotFound, (await Registry.DeleteAsync("flight-delay", "2", None)).Outcome);
        Assert.Equal("1", await Registry.ServedVersionAsync("flight-delay", None));
    }

    [DemoDataFact]
    public async Task Versions_are_listed_newest_first_with_aliases_and_the_served_one()
    {
        foreach (var version in new[] { "1", "2", "10" })
            await Registry.RegisterAsync(Version(version), "external", None);
        await Registry.SetAliasAsync("flight-delay", AliasNames.Challenger, "10", None);

        var listed = await Registry.VersionsAsync("flight-delay", None);

        Assert.NotNull(listed);
        Assert.Equal(["10", "2", "1"], listed.Versions.Select(version => version.Version));
        Assert.Equal("1", listed.ServedVersion);
        Assert.Equal([AliasNames.Challenger], listed.AliasesOf("10"));
        Assert.Null(await Registry.VersionsAsync("nobody", None));
    }

    [DemoDataFact]
    public async Task A_version_is_found_by_name_and_a_path_outside_the_models_folder_is_not()
    {
        await fixture.Bundle.WriteAsync(_folder, None);
        await ImportFolderAsync();

        Assert.NotNull(await Registry.FindAsync("flight-delay", "1", None));
        Assert.Null(await Registry.FindAsync("flight-delay", "2", None));
        Assert.Null(await Registry.FindAsync("..", "models", None));
        Assert.Null(await Registry.FindAsync("flight-delay/../flight-delay", "1", None));
    }

    [Fact]
    public async Task An_empty_or_missing_models_folder_serves_nothing()
    {
        Assert.Empty(await Registry.ServedAsync(null, None));
    }

    public void Dispose()
    {
        _registry?.Dispose();
        _database?.Dispose();
        if (Directory.Exists(Path.GetDirectoryName(_folder)))
            Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    // As the Retrainer does when it starts.
    private async Task ImportFolderAsync() => await ModelsFolderImport.ImportAsync(Store, _folder, None);

    private ModelBundle Version(string version) => fixture.Bundle with { Card = fixture.Bundle.Card with { Version = version } };

    private sealed class RecordedEvents : IRegistryEvents
    {
        public List<ModelRegistered> Registered { get; } = [];

        public List<ModelAliasesChanged> AliasChanges { get; } = [];

        public Task RegisteredAsync(ModelRegistered registered, CancellationToken cancellationToken)
        {
            Registered.Add(registered);
            return Task.CompletedTask;
        }

        public Task AliasesChangedAsync(ModelAliasesChanged changed, CancellationToken cancellationToken)
        {
            AliasChanges.Add(changed);
            return Task.CompletedTask;
        }
    }
}
