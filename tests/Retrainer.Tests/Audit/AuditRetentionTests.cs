using Contracts.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Retrainer.Audit;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Audit;

/// <summary>Audit entries are kept for <c>Audit:Retention</c> after they were recorded, and no less than an hour.</summary>
public sealed class AuditRetentionTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"audit-retention-{Guid.NewGuid():N}.db");
    private readonly EmbeddedDatabase _database;

    public AuditRetentionTests() => _database = new EmbeddedDatabase(_file);

    [Fact]
    public async Task A_sweep_deletes_the_entries_recorded_longer_ago_than_the_retention()
    {
        var store = new AuditStore(_database);
        var options = new AuditOptions { Retention = TimeSpan.FromDays(30) };
        var retention = new AuditRetention(store, Options.Create(options), new ManualClock(Now), NullLogger<AuditRetention>.Instance);
        await store.AddAsync(Entry(Now.AddDays(-31)), None);
        await store.AddAsync(Entry(Now.AddDays(-29)), None);

        Assert.Equal(1, await retention.SweepAsync(Now, None));

        Assert.Equal([Now.AddDays(-29)], (await store.ListAsync(new AuditQuery(null, null, null, null, null, 10), None)).Select(entry => entry.At));
    }

    [Fact]
    public void A_retention_shorter_than_an_hour_is_refused_at_start()
    {
        Assert.Empty(new AuditOptions().Errors());
        Assert.Equal(["Audit:Retention must be at least one hour (e.g. 365.00:00:00)."], new AuditOptions { Retention = TimeSpan.FromMinutes(59) }.Errors());
    }

    public void Dispose()
    {
        _database.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }

    private static AuditRecorded Entry(DateTimeOffset at) => new(
        Guid.CreateVersion7(at), at, "anonymous", "Retrainer", "POST", "/api/v1/keys/", "/api/v1/keys/", new Dictionary<string, string>(), null, 401,
        AuditOutcomes.Refused, "CreateApiKey", null);
}
