using FeatureBuilder.Batches;
using MongoDB.Bson;
using TestSupport;

namespace FeatureBuilder.Tests.Batches;

/// <summary>
/// The batch store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class MongoBatchStoreTests : BatchStoreContract, IDisposable
{
    private readonly List<MongoBatchStore> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("batch-store");

    protected override IBatchStore CreateStore()
    {
        var store = new MongoBatchStore(Server.Database);
        _stores.Add(store);
        return store;
    }

    // A new store object on the same database: nothing comes from the first one's memory.
    protected override IBatchStore Reopen(IBatchStore store) => CreateStore();

    [SkippableFact]
    public async Task Listing_a_model_s_batches_uses_its_index_and_sorts_nothing_in_memory()
    {
        var store = CreateStore();
        await store.CreateAsync(
            Batch.Submitted(Guid.CreateVersion7(), "flight-delay", "1", "{}", BatchFormat.Csv, "f.csv", "/f.csv", true, DateTimeOffset.UtcNow),
            CancellationToken.None);

        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["find"] = "batches",
                ["filter"] = new BsonDocument("modelName", "flight-delay"),
                ["sort"] = new BsonDocument { ["submittedAt"] = -1, ["_id"] = -1 },
                ["limit"] = 10,
            },
        });

        var plan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains("batches_by_model", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }
}
