using FeatureBuilder.Batches;
using MongoDB.Bson;
using MongoDB.Driver;
using TestSupport;

namespace FeatureBuilder.Tests.Batches;

/// <summary>
/// The batch store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class MongoBatchStoreTests : BatchStoreContract, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

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
        await store.CreateAsync(NewBatch(Start), None);

        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["find"] = MongoBatchStore.BatchesCollectionName,
                ["filter"] = new BsonDocument("modelName", "flight-delay"),
                ["sort"] = new BsonDocument { ["submittedAt.Ticks"] = -1, ["_id"] = -1 },
                ["limit"] = 10,
            },
        });

        var plan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains(MongoBatchStore.ByModelIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Recounting_a_batch_s_chunks_reads_the_index_only()
    {
        var store = CreateStore();
        var batch = NewBatch(Start);
        await store.CreateAsync(batch, None);
        await store.AddChunkAsync(batch.Id, new ChunkResults(0, [1, 2], null, ["a", "b"], null, null), Start, TimeSpan.FromDays(1), None);

        // The pipeline the store runs after every chunk: it must not fetch the (large) chunk documents.
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["aggregate"] = MongoBatchStore.ChunksCollectionName,
                ["pipeline"] = new BsonArray
                {
                    new BsonDocument("$match", new BsonDocument("batchId", new BsonBinaryData(batch.Id, GuidRepresentation.Standard))),
                    new BsonDocument("$group", new BsonDocument
                    {
                        ["_id"] = BsonNull.Value,
                        ["chunks"] = new BsonDocument("$sum", 1),
                        ["rows"] = new BsonDocument("$sum", "$rowCount"),
                    }),
                },
                ["cursor"] = new BsonDocument(),
            },
            ["verbosity"] = "queryPlanner",
        });

        var plan = explain.ToJson();
        Assert.Contains(MongoBatchStore.ChunksIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"FETCH\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"COLLSCAN\"", plan, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_chunk_stored_but_not_counted_before_a_crash_is_counted_when_it_is_delivered_again()
    {
        var store = CreateStore();
        var batch = NewBatch(Start);
        await store.CreateAsync(batch, None);
        var chunk = new ChunkResults(0, [1, 2, 3], null, ["a", "b", "c"], null, null);
        Assert.True(await store.AddChunkAsync(batch.Id, chunk, Start, TimeSpan.FromDays(1), None));
        // As if the process had died between the chunk's insert and its count.
        await Server.Database.GetCollection<BsonDocument>(MongoBatchStore.BatchesCollectionName).UpdateOneAsync(
            new BsonDocument("_id", new BsonBinaryData(batch.Id, GuidRepresentation.Standard)),
            new BsonDocument("$set", new BsonDocument { ["rowsScored"] = 0L, ["chunksScored"] = 0 }));

        Assert.False(await store.AddChunkAsync(batch.Id, chunk, Start, TimeSpan.FromDays(1), None));

        var repaired = await store.FindAsync(batch.Id, None);
        Assert.Equal(3, repaired!.RowsScored);
        Assert.Equal(1, repaired.ChunksScored);
    }

    [SkippableFact]
    public async Task A_batch_is_one_document_keyed_by_its_id_with_exact_and_readable_times()
    {
        var submittedAt = Start.AddTicks(1234567);
        var batch = NewBatch(submittedAt);
        await CreateStore().CreateAsync(batch, None);

        var stored = await Server.Database.GetCollection<BsonDocument>(MongoBatchStore.BatchesCollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        Assert.Equal(batch.Id, stored["_id"].AsGuid);
        Assert.Equal("queued", stored["state"].AsString);
        Assert.Equal("parquet", stored["format"].AsString);
        Assert.Equal(submittedAt.UtcTicks, stored["submittedAt"]["Ticks"].AsInt64);
        Assert.Equal(BsonType.DateTime, stored["submittedAt"]["DateTime"].BsonType);
        Assert.Equal(submittedAt, (await CreateStore().FindAsync(batch.Id, None))!.SubmittedAt);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }

    private static Batch NewBatch(DateTimeOffset submittedAt) => Batch.Submitted(
        Guid.CreateVersion7(), "flight-delay", "1", "{}", BatchFormat.Parquet, "flights.parquet", "/data/batches/flights.parquet", isUploaded: true, submittedAt);
}
