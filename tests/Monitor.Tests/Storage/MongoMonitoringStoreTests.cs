using MongoDB.Bson;
using MongoDB.Driver;
using Monitor.Storage;
using TestSupport;

namespace Monitor.Tests.Storage;

/// <summary>
/// The monitoring store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it: the stored documents, the TTL
/// index, and the query plans of the store's own filters.
/// </summary>
public sealed class MongoMonitoringStoreTests : MonitoringStoreContract, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    // Long enough that the TTL monitor never deletes a test's buckets (they end on the day these tests were written).
    private static readonly TimeSpan Retention = TimeSpan.FromDays(3650);

    private readonly List<MongoMonitoringStore> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("monitor");

    protected override IMonitoringStore CreateStore() => CreateStore(Retention);

    // A new store object on the same database: nothing comes from the first one's memory.
    protected override IMonitoringStore Reopen(IMonitoringStore store) => CreateStore();

    [SkippableFact]
    public async Task A_bucket_is_one_document_with_exact_times_and_its_aggregate_as_a_string()
    {
        var bucket = SampleMonitoring.Bucket(0, json: SampleMonitoring.AwkwardJson);
        await CreateStore().SaveBucketAsync(bucket, None);
        await CreateStore().SaveBucketAsync(bucket with { Predictions = 11 }, None);

        var stored = await Collection(MongoMonitoringStore.BucketsCollectionName).Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        Assert.Equal("flight-delay", stored["modelName"].AsString);
        Assert.Equal(11, stored["predictions"].ToInt64());
        Assert.Equal(SampleMonitoring.AwkwardJson, stored["aggregate"].AsString);
        Assert.Equal(bucket.Start.UtcTicks, stored["start"]["Ticks"].AsInt64);
        Assert.Equal(BsonType.DateTime, stored["end"]["DateTime"].BsonType);
    }

    [SkippableFact]
    public async Task Buckets_expire_by_a_ttl_index_on_their_end_and_a_new_retention_replaces_the_old_one()
    {
        await CreateStore(TimeSpan.FromDays(30)).SaveBucketAsync(FarFuture(SampleMonitoring.Bucket(0)), None);
        Assert.Equal(30 * 86_400, (await ExpiryIndexAsync())["expireAfterSeconds"].ToInt64());

        // A restart with another retention: createIndexes would refuse the changed option; the store changes it.
        await CreateStore(TimeSpan.FromDays(7)).SaveBucketAsync(FarFuture(SampleMonitoring.Bucket(1)), None);

        var index = await ExpiryIndexAsync();
        Assert.Equal(7 * 86_400, index["expireAfterSeconds"].ToInt64());
        Assert.Equal(new BsonDocument("end.DateTime", 1), index["key"].AsBsonDocument);
        Assert.Equal(2, await Collection(MongoMonitoringStore.BucketsCollectionName).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    // The server's TTL monitor deletes, about once a minute on the real clock, the buckets that ended longer ago
    // than the retention: with a retention of days, only buckets that end far in the future are surely still
    // there when the test counts them, whatever day it runs.
    private static MonitoringBucket FarFuture(MonitoringBucket bucket) =>
        bucket with { Start = bucket.Start.AddYears(100), End = bucket.End.AddYears(100) };

    [SkippableFact]
    public async Task The_bucket_range_reads_its_index_and_sorts_nothing()
    {
        await CreateStore().SaveBucketAsync(SampleMonitoring.Bucket(0), None);

        var plan = await ExplainFindAsync(
            MongoMonitoringStore.BucketsCollectionName,
            MongoMonitoringStore.BucketRangeFilter("flight-delay", "1", SampleMonitoring.Start, SampleMonitoring.Start.AddHours(1)),
            MongoMonitoringStore.BucketRangeSort);

        Assert.Contains(MongoMonitoringStore.BucketsByVersionIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_versions_listing_reads_the_bucket_index_not_the_collection()
    {
        await CreateStore().SaveBucketAsync(SampleMonitoring.Bucket(0), None);

        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["aggregate"] = MongoMonitoringStore.BucketsCollectionName,
                ["pipeline"] = new BsonArray(MongoMonitoringStore.VersionsPipeline()),
                ["cursor"] = new BsonDocument(),
            },
            ["verbosity"] = "queryPlanner",
        });

        var plan = explain.ToJson();
        Assert.Contains(MongoMonitoringStore.BucketsByVersionIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("COLLSCAN", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_retention_delete_reads_the_expiry_index()
    {
        await CreateStore().SaveBucketAsync(SampleMonitoring.Bucket(0), None);

        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["delete"] = MongoMonitoringStore.BucketsCollectionName,
                ["deletes"] = new BsonArray { new BsonDocument { ["q"] = MongoMonitoringStore.ExpiredBucketsFilter(SampleMonitoring.Start), ["limit"] = 0 } },
            },
            ["verbosity"] = "queryPlanner",
        });

        var plan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains(MongoMonitoringStore.BucketsExpiryIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("COLLSCAN", plan, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(null, null, null, false, MongoMonitoringStore.AlertsByDetectionIndexName)]
    [InlineData(null, null, null, true, MongoMonitoringStore.AlertsByDetectionIndexName)]
    [InlineData("flight-delay", null, null, false, MongoMonitoringStore.AlertsByModelIndexName)]
    [InlineData("flight-delay", "1", null, true, MongoMonitoringStore.AlertsByVersionIndexName)]
    [InlineData(null, null, "drift", false, MongoMonitoringStore.AlertsByKindIndexName)]
    [InlineData("flight-delay", null, "drift", true, null)]
    [InlineData(null, "1", null, false, null)]
    public async Task Every_alert_listing_reads_an_index_and_sorts_nothing(string? model, string? version, string? kind, bool since, string? index)
    {
        // Alerts of every model, version and kind, those the queries look for the oldest: a plan on a less
        // selective index reads the others first, so the planner's trial runs tell the plans apart.
        var store = CreateStore();
        var minute = 0;
        foreach (var alertModel in new[] { "flight-delay", "other-model" })
        {
            foreach (var alertVersion in new[] { "1", "2" })
            {
                foreach (var alertKind in new[] { "drift", "performance", "stalled" })
                {
                    for (var copy = 0; copy < 3; copy++)
                        await store.AddAlertAsync(SampleMonitoring.Alert(minute++, alertKind, alertModel, alertVersion), None);
                }
            }
        }

        var query = new AlertQuery(model, version, kind, since ? SampleMonitoring.Start : null, Limit: 10);

        var plan = await ExplainFindAsync(MongoMonitoringStore.AlertsCollectionName, MongoMonitoringStore.AlertFilter(query), MongoMonitoringStore.AlertSort, limit: 10);

        Assert.Contains(index ?? "alerts_by_", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("COLLSCAN", plan, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_rule_states_are_listed_in_the_order_of_their_unique_index()
    {
        await CreateStore().SaveRuleStateAsync(SampleMonitoring.RuleState(), None);

        var plan = await ExplainFindAsync(MongoMonitoringStore.RuleStatesCollectionName, new BsonDocument(), MongoMonitoringStore.RuleStateSort);

        Assert.Contains(MongoMonitoringStore.RuleStatesByKeyIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }

    private MongoMonitoringStore CreateStore(TimeSpan retention)
    {
        var store = new MongoMonitoringStore(Server.Database, retention);
        _stores.Add(store);
        return store;
    }

    private IMongoCollection<BsonDocument> Collection(string name) => Server.Database.GetCollection<BsonDocument>(name);

    private async Task<BsonDocument> ExpiryIndexAsync()
    {
        using var cursor = await Collection(MongoMonitoringStore.BucketsCollectionName).Indexes.ListAsync();
        var indexes = await cursor.ToListAsync();
        return indexes.Single(index => index["name"].AsString == MongoMonitoringStore.BucketsExpiryIndexName);
    }

    // The winning plan of a find with the store's own filter and order.
    private async Task<string> ExplainFindAsync(string collection, BsonDocument filter, BsonDocument sort, int? limit = null)
    {
        var find = new BsonDocument { ["find"] = collection, ["filter"] = filter, ["sort"] = sort };
        if (limit is { } count)
            find["limit"] = count;
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument { ["explain"] = find, ["verbosity"] = "queryPlanner" });
        return explain["queryPlanner"]["winningPlan"].ToJson();
    }
}
