using Retrainer.Audit;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Audit;

/// <summary>The audit store contract on the embedded SQLite database.</summary>
public sealed class AuditStoreSqliteTests : AuditStoreContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.db");
    private readonly List<EmbeddedDatabase> _databases = [];

    protected override AuditStore CreateStore()
    {
        var database = new EmbeddedDatabase(_file);
        _databases.Add(database);
        return new AuditStore(database);
    }

    protected override AuditStore Reopen(AuditStore store) => CreateStore();

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }
}
