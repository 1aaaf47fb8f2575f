using Monitor.Alerts;
using Monitor.Windows;
using ServiceDefaults.Storage;

namespace Monitor.Tests.Upgrades;

/// <summary>
/// A <c>monitor.db</c> written before the document store (<c>monitor-before-documents.db</c>, see
/// <see cref="BeforeDocuments"/>) opens with Monitor's upgrade scripts and reads back through today's stores.
/// </summary>
public sealed class MonitorUpgradeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"monitor-upgrade-{Guid.NewGuid():N}");
    private readonly EmbeddedDatabase _database;
    private readonly BucketStore _buckets;
    private readonly AlertStore _alerts;
    private readonly RuleStateStore _states;

    public MonitorUpgradeTests()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "monitor.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Upgrades", "monitor-before-documents.db"), path);
        _database = new EmbeddedDatabase(path, EmbeddedDatabase.UpgradesIn(typeof(MonitorService).Assembly));
        _buckets = new BucketStore(_database);
        _alerts = new AlertStore(_database);
        _states = new RuleStateStore(_database);
    }

    [Fact]
    public async Task Every_bucket_reads_back_by_version_and_exact_start_and_the_versions_are_listed()
    {
        foreach (var version in BeforeDocuments.Buckets.GroupBy(bucket => (bucket.ModelName, bucket.ModelVersion)))
        {
            var all = await _buckets.ListAsync(version.Key.ModelName, version.Key.ModelVersion, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, None);
            Assert.Equal(version.OrderBy(bucket => bucket.Start), all);
            Assert.All(all, bucket => Assert.Equal(TimeSpan.Zero, bucket.Start.Offset));
            foreach (var bucket in version)
                Assert.Equal([bucket], await _buckets.ListAsync(bucket.ModelName, bucket.ModelVersion, bucket.Start, bucket.Start.AddTicks(1), None));
        }

        Assert.Equal(
            BeforeDocuments.Buckets
                .GroupBy(bucket => (bucket.ModelName, bucket.ModelVersion))
                .Select(version => new MonitoredVersion(version.Key.ModelName, version.Key.ModelVersion, version.Min(bucket => bucket.Start), version.Max(bucket => bucket.Start)))
                .OrderBy(version => version.ModelName, StringComparer.Ordinal).ThenBy(version => version.ModelVersion, StringComparer.Ordinal),
            await _buckets.ListVersionsAsync(None));
    }

    [Fact]
    public async Task Every_alert_reads_back_in_order_and_by_each_filter()
    {
        var newestFirst = BeforeDocuments.Alerts
            .OrderByDescending(alert => alert.DetectedAt).ThenByDescending(alert => alert.AlertId.ToString(), StringComparer.Ordinal).ToList();

        Assert.Equal(newestFirst, await _alerts.ListAsync(new AlertQuery(), None));
        foreach (var alert in BeforeDocuments.Alerts)
        {
            Assert.Contains(alert, await _alerts.ListAsync(new AlertQuery(alert.ModelName, alert.ModelVersion, alert.Kind, alert.DetectedAt), None));
            Assert.DoesNotContain(alert, await _alerts.ListAsync(new AlertQuery(Since: alert.DetectedAt.AddTicks(1)), None));
            // The same id is known: the key is the one the store computes.
            Assert.False(await _alerts.AddAsync(alert with { Summary = "again" }, None));
        }
    }

    [Fact]
    public async Task Every_rule_state_reads_back_and_saving_one_again_replaces_it()
    {
        var expected = BeforeDocuments.RuleStates
            .OrderBy(state => state.ModelName, StringComparer.Ordinal).ThenBy(state => state.ModelVersion, StringComparer.Ordinal).ThenBy(state => state.Rule, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, await _states.ListAsync(None));
        // Exactly: a rewrite of the double with fewer digits would not be equal.
        Assert.Contains(await _states.ListAsync(None), state => state.LastValue == 0.1 + 0.2);

        foreach (var state in BeforeDocuments.RuleStates)
            await _states.SaveAsync(state with { Consecutive = state.Consecutive + 10 }, None);

        Assert.Equal(expected.Select(state => state with { Consecutive = state.Consecutive + 10 }), await _states.ListAsync(None));
    }

    [Fact]
    public async Task New_writes_replace_by_the_migrated_keys_and_retention_deletes_by_the_migrated_ends()
    {
        foreach (var bucket in BeforeDocuments.Buckets)
            await _buckets.SaveAsync(bucket with { Predictions = bucket.Predictions + 1 }, None);
        var added = new MonitoringBucket("flight-delay", "3", BeforeDocuments.Buckets[0].Start, BeforeDocuments.Buckets[0].End, 1, 0, "{}");
        await _buckets.SaveAsync(added, None);
        Assert.True(await _alerts.AddAsync(BeforeDocuments.Alerts[0] with { AlertId = Guid.NewGuid() }, None));

        var buckets = new List<MonitoringBucket>();
        foreach (var version in await _buckets.ListVersionsAsync(None))
            buckets.AddRange(await _buckets.ListAsync(version.ModelName, version.ModelVersion, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, None));
        Assert.Equal(BeforeDocuments.Buckets.Length + 1, buckets.Count);
        Assert.Equal(BeforeDocuments.Buckets.Select(bucket => bucket.Predictions + 1).Append(1).Order(), buckets.Select(bucket => bucket.Predictions).Order());

        // The bucket that ended at 1970-01-01T00:00:00 exactly, and only it, ended before one tick later.
        var epoch = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(0, await _buckets.DeleteEndedBeforeAsync(epoch, None));
        Assert.Equal(1, await _buckets.DeleteEndedBeforeAsync(epoch.AddTicks(1), None));
        Assert.Empty(await _buckets.ListAsync("flight-delay", "2", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, None));
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
