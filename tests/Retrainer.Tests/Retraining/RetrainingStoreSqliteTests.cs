using Retrainer.Retraining;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Retraining;

/// <summary>The retraining stores' contract on the embedded SQLite database.</summary>
public sealed class RetrainingStoreSqliteTests : RetrainingStoreContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"retraining-{Guid.NewGuid():N}.db");
    private readonly List<EmbeddedDatabase> _databases = [];

    protected override LabelledRowStore CreateRowStore(TimeProvider time) => new(Open(), time);

    protected override RetrainingJobStore CreateJobStore() => new(Open());

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }

    private EmbeddedDatabase Open()
    {
        var database = new EmbeddedDatabase(_file);
        _databases.Add(database);
        return database;
    }
}
