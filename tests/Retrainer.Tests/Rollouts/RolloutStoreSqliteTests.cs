using Retrainer.Rollouts;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Rollouts;

/// <summary>The rollout store contract on the embedded SQLite database.</summary>
public sealed class RolloutStoreSqliteTests : RolloutStoreContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"rollouts-{Guid.NewGuid():N}.db");
    private readonly List<EmbeddedDatabase> _databases = [];

    protected override RolloutStore CreateStore()
    {
        var database = new EmbeddedDatabase(_file);
        _databases.Add(database);
        return new RolloutStore(database);
    }

    protected override RolloutStore Reopen(RolloutStore store) => CreateStore();

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }
}
