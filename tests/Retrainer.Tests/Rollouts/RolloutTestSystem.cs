using Contracts.Models;
using Contracts.Rollouts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modeling.Bundles;
using Retrainer.Registry;
using Retrainer.Rollouts;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// The Retrainer's rollout parts on real stores (a models folder with versions 1 (champion), 2 and 3 of the bootstrap
/// model, a rollout store on a SQLite database), a clock the test sets, a seeded random source, and the announcements recorded.
/// </summary>
public sealed class RolloutTestSystem : IDisposable
{
    private readonly string _folder;
    private readonly EmbeddedDatabase _database;

    private RolloutTestSystem(string folder, ManualClock time, ModelRegistry registry, RolloutOptions options)
    {
        _folder = folder;
        Time = time;
        Registry = registry;
        _database = new EmbeddedDatabase(Path.Combine(_folder, "retrainer.db"));
        Store = new RolloutStore(_database);
        Manager = new RolloutManager(Store, registry, Announced, Options.Create(options), Time);
        Controller = new RolloutController(Manager, Evidence, Options.Create(options), Time, new Random(2001), NullLogger<RolloutController>.Instance);
    }

    public ManualClock Time { get; }

    public RecordedRolloutEvents Announced { get; } = new();

    public ModelRegistry Registry { get; }

    public RolloutEvidence Evidence { get; } = new();

    public RolloutManager Manager { get; }

    public RolloutController Controller { get; }

    public RolloutStore Store { get; }

    public static async Task<RolloutTestSystem> StartAsync(ModelBundle bootstrap, RolloutOptions? options = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rollout-models-{Guid.NewGuid():N}");
        var time = new ManualClock();
        var registry = new ModelRegistry(new ModelStore(new EmbeddedDatabase(Path.Combine(folder, "registry.db")), new FolderModelFiles(Path.Combine(folder, "models"))), time);
        foreach (var version in new[] { "1", "2", "3" })
            await registry.RegisterAsync(bootstrap with { Card = bootstrap.Card with { Version = version } }, "test", CancellationToken.None);
        return new RolloutTestSystem(folder, time, registry, options ?? new RolloutOptions());
    }

    public void Dispose()
    {
        Manager.Dispose();
        _database.Dispose();
        Registry.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    public sealed class RecordedRolloutEvents : IRolloutEvents
    {
        public List<RolloutChanged> Changes { get; } = [];

        public Task ChangedAsync(RolloutChanged changed, CancellationToken cancellationToken)
        {
            Changes.Add(changed);
            return Task.CompletedTask;
        }
    }
}
