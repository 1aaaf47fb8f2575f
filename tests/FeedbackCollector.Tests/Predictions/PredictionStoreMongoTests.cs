using FeedbackCollector.Predictions;
using MongoDB.Bson;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>
/// The prediction log contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c>
/// names; skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class PredictionStoreMongoTests : PredictionStoreContract, IDisposable
{
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("prediction-log");

    protected override PredictionStore CreateLog() => new(new MongoDocumentDatabase(Server.Database));

    // A new store on the same database: nothing comes from the first one's memory.
    protected override PredictionStore Reopen(PredictionStore log) => CreateLog();

    [SkippableFact]
    public async Task The_entity_key_lookup_reads_its_index()
    {
        await CreateLog().AddManyAsync([SamplePredictions.Of("UA123", SamplePredictions.Start)], CancellationToken.None);

        // The query MongoDocuments makes for the lookup.
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["find"] = "predictions",
                ["filter"] = new BsonDocument { ["f_model"] = "flight-delay", ["f_entity"] = "UA123" },
                ["sort"] = new BsonDocument { ["f_predicted"] = -1, ["_id"] = -1 },
                ["limit"] = 10,
            },
        });

        var plan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains("f_model_1_f_entity_1_f_predicted_1", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("COLLSCAN", plan, StringComparison.Ordinal);
    }

    public void Dispose() => _database?.Dispose();
}
