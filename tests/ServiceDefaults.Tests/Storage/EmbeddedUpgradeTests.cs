using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace ServiceDefaults.Tests.Storage;

/// <summary>The embedded database's one-time upgrade scripts: each runs once per file, in order, all or nothing.</summary>
public sealed class EmbeddedUpgradeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"upgrades-{Guid.NewGuid():N}");

    private string File => Path.Combine(_folder, "service.db");

    [Fact]
    public async Task Each_script_runs_once_in_order_and_a_later_version_runs_only_the_new_ones()
    {
        string[] first = ["CREATE TABLE log (line TEXT); INSERT INTO log VALUES ('one')", "INSERT INTO log VALUES ('two')"];
        await LinesAsync(first);
        Assert.Equal(["one", "two"], await LinesAsync(first));
        Assert.Equal(["one", "two", "three"], await LinesAsync([.. first, "INSERT INTO log VALUES ('three')"]));
    }

    [Fact]
    public async Task A_failing_script_leaves_the_file_as_it_was_and_the_error_surfaces()
    {
        await LinesAsync(["CREATE TABLE log (line TEXT); INSERT INTO log VALUES ('one')"]);

        await Assert.ThrowsAsync<SqliteException>(() => LinesAsync(["CREATE TABLE log (line TEXT); INSERT INTO log VALUES ('one')", "INSERT INTO log VALUES ('half'); INSERT INTO nowhere VALUES (1)"]));

        Assert.Equal(["one", "two"], await LinesAsync(["CREATE TABLE log (line TEXT); INSERT INTO log VALUES ('one')", "INSERT INTO log VALUES ('two')"]));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private async Task<List<string>> LinesAsync(string[] upgrades)
    {
        using var database = new EmbeddedDatabase(File, upgrades);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT line FROM log ORDER BY rowid";
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        return lines;
    }
}
