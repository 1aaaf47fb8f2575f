using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Tests.Storage;

/// <summary>The document store contract on SQLite, in a database file of the test's own.</summary>
public sealed class SqliteDocumentsTests : DocumentsContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"documents-{Guid.NewGuid():N}");
    private readonly List<EmbeddedDatabase> _databases = [];

    protected override IDocuments<Item> Open()
    {
        var database = new EmbeddedDatabase(Path.Combine(_folder, "test.db"));
        _databases.Add(database);
        return database.Collection(Items);
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
