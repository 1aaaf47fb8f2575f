using Contracts.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modeling.Bundles;
using Retrainer.Registry;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Registry;

/// <summary>
/// The Retrainer's start: the bundles of the models folder are registered before the start returns (so before the bus
/// delivers a request), then announced, and the bootstrap model's first version becomes its champion.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class BootstrapModelServiceTests(BootstrapModelFixture fixture) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"bootstrap-service-{Guid.NewGuid():N}");
    private readonly ManualClock _time = new();
    private readonly RecordedEvents _events = new();

    [DemoDataFact]
    public async Task A_bundle_in_the_models_folder_is_registered_at_start_announced_and_made_champion()
    {
        // As the command line's bootstrap leaves it: the bundle in the models folder, nothing in the store.
        var models = Path.Combine(_folder, "models");
        await fixture.Bundle.WriteAsync(models, CancellationToken.None);
        using var database = new EmbeddedDatabase(Path.Combine(_folder, "retrainer.db"));
        var store = new ModelStore(database, new FolderModelFiles(models));
        using var registry = new ModelRegistry(store, _time, _events);
        using var service = new BootstrapModelService(
            Options.Create(new RegistryOptions { ModelsFolder = models }), store, registry, _time, NullLogger<BootstrapModelService>.Instance);

        await service.StartAsync(CancellationToken.None);
        Assert.Equal(["1"], await store.VersionsAsync("flight-delay", CancellationToken.None));
        await service.ExecuteTask!;

        Assert.Equal(["import", "bootstrap"], _events.Registered.Select(registered => registered.Trigger));
        Assert.Equal("1", Assert.Single(await store.AliasesAsync("flight-delay", CancellationToken.None)).Version);
        Assert.Equal((AliasNames.Champion, "1"), (Assert.Single(_events.AliasChanges).Alias, _events.AliasChanges[0].Version));
        Assert.Equal(fixture.Bundle.Onnx, (await registry.FindAsync("flight-delay", "1", CancellationToken.None))!.Onnx);
        await service.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

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
