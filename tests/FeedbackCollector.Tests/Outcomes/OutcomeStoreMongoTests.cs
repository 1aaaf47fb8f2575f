using FeedbackCollector.Outcomes;
using MongoDB.Bson;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>
/// The outcome store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class OutcomeStoreMongoTests : OutcomeStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("outcome-store");

    protected override OutcomeStore CreateStore() => new(OpenDatabase());

    protected override IDocumentDatabase OpenDatabase() => new MongoDocumentDatabase(Server.Database);

    protected override OutcomeStore Reopen(OutcomeStore store) => CreateStore();

    [SkippableFact]
    public async Task The_pending_and_unpublished_lookups_read_their_indexes()
    {
        var store = CreateStore();
        await store.AddManyAsync([SampleOutcomes.ForEntity("UA123"), SampleOutcomes.ForPrediction(Guid.CreateVersion7())], CancellationToken.None);

        // The filters MongoDocuments makes for the store's queries.
        var byPrediction = await ExplainAsync(new BsonDocument { ["f_state"] = "Pending", ["f_prediction"] = new BsonDocument("$in", new BsonArray { Guid.CreateVersion7().ToString("N") }) });
        var byEntity = await ExplainAsync(new BsonDocument { ["f_state"] = "Pending", ["f_model"] = "flight-delay", ["f_entity"] = new BsonDocument("$in", new BsonArray { "UA123" }), ["f_prediction"] = BsonNull.Value });
        var byAge = await ExplainAsync(new BsonDocument { ["f_state"] = "Pending", ["f_received"] = new BsonDocument("$lt", SampleOutcomes.Start.UtcTicks) });
        var unpublished = await ExplainAsync(new BsonDocument { ["f_state"] = "Joined", ["f_published"] = 0L, ["f_joined"] = new BsonDocument("$lt", SampleOutcomes.Start.UtcTicks) });

        Assert.Contains("f_state_1_f_prediction_1", byPrediction, StringComparison.Ordinal);
        Assert.Contains("f_state_1_f_model_1_f_entity_1", byEntity, StringComparison.Ordinal);
        Assert.Contains("f_state_1_f_received_1", byAge, StringComparison.Ordinal);
        Assert.Contains("f_state_1_f_published_1_f_joined_1", unpublished, StringComparison.Ordinal);
    }

    public void Dispose() => _database?.Dispose();

    private async Task<string> ExplainAsync(BsonDocument filter)
    {
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument { ["find"] = "outcomes", ["filter"] = filter },
        });
        return explain["queryPlanner"]["winningPlan"].ToJson();
    }
}
