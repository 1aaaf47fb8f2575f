using FeedbackCollector.Outcomes;
using MongoDB.Bson;
using MongoDB.Driver;
using TestSupport;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>
/// The outcome store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class MongoOutcomeStoreTests : OutcomeStoreContract, IDisposable
{
    private readonly List<MongoOutcomeStore> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("outcome-store");

    protected override IOutcomeStore CreateStore()
    {
        var store = new MongoOutcomeStore(Server.Database);
        _stores.Add(store);
        return store;
    }

    protected override IOutcomeStore Reopen(IOutcomeStore store) => CreateStore();

    [SkippableFact]
    public async Task The_pending_lookups_use_their_partial_indexes()
    {
        var store = CreateStore();
        await store.AddManyAsync([SampleOutcomes.ForEntity("UA123"), SampleOutcomes.ForPrediction(Guid.CreateVersion7())], CancellationToken.None);

        var byPrediction = await ExplainAsync(new BsonDocument { ["state"] = "pending", ["predictionId"] = new BsonDocument("$in", new BsonArray { new BsonBinaryData(Guid.CreateVersion7(), GuidRepresentation.Standard) }) });
        var byEntity = await ExplainAsync(new BsonDocument { ["state"] = "pending", ["modelName"] = "flight-delay", ["entityKey"] = new BsonDocument("$in", new BsonArray { "UA123" }), ["predictionId"] = BsonNull.Value });
        var byAge = await ExplainAsync(new BsonDocument { ["state"] = "pending", ["receivedAt.Ticks"] = new BsonDocument("$lt", SampleOutcomes.Start.UtcTicks) });

        Assert.Contains(MongoOutcomeStore.PendingByPredictionIndexName, byPrediction, StringComparison.Ordinal);
        Assert.Contains(MongoOutcomeStore.PendingByEntityKeyIndexName, byEntity, StringComparison.Ordinal);
        Assert.Contains(MongoOutcomeStore.PendingByReceivedAtIndexName, byAge, StringComparison.Ordinal);
        var unpublished = await ExplainAsync(new BsonDocument { ["state"] = "joined", ["published"] = false, ["joinedAt.Ticks"] = new BsonDocument("$lt", SampleOutcomes.Start.UtcTicks) });
        Assert.Contains(MongoOutcomeStore.UnpublishedByJoinedAtIndexName, unpublished, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_outcome_is_one_document_keyed_by_its_id_with_readable_times()
    {
        var outcome = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), outcomeId: "flight-UA123");
        await CreateStore().AddManyAsync([outcome], CancellationToken.None);

        var stored = await Server.Database.GetCollection<BsonDocument>(MongoOutcomeStore.CollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        Assert.Equal("flight-UA123", stored["_id"].AsString);
        Assert.Equal("pending", stored["state"].AsString);
        Assert.Equal(outcome.PredictionId, stored["predictionId"].AsGuid);
        Assert.Equal(outcome.ReceivedAt.UtcTicks, stored["receivedAt"]["Ticks"].AsInt64);
        Assert.Equal(BsonType.DateTime, stored["observedAt"]["DateTime"].BsonType);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }

    private async Task<string> ExplainAsync(BsonDocument filter)
    {
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument { ["find"] = MongoOutcomeStore.CollectionName, ["filter"] = filter },
        });
        return explain["queryPlanner"]["winningPlan"].ToJson();
    }
}
