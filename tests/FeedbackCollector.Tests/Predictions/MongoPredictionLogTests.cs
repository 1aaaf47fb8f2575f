using FeedbackCollector.Predictions;
using MongoDB.Bson;
using MongoDB.Driver;
using TestSupport;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>
/// The prediction log contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c>
/// names; skipped with the reason where it is not set), and what is particular to it.
/// </summary>
public sealed class MongoPredictionLogTests : PredictionLogContract, IDisposable
{
    private readonly List<MongoPredictionLog> _logs = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("prediction-log");

    protected override IPredictionLog CreateLog()
    {
        var log = new MongoPredictionLog(Server.Database);
        _logs.Add(log);
        return log;
    }

    // A new client on the same database: nothing comes from the first log's memory.
    protected override IPredictionLog Reopen(IPredictionLog log) => CreateLog();

    [SkippableFact]
    public async Task The_entity_key_lookup_uses_its_index_and_sorts_nothing_in_memory()
    {
        var log = CreateLog();
        await log.AddAsync(SamplePredictions.Of("UA123", SamplePredictions.Start), CancellationToken.None);

        var predictions = Server.Database.GetCollection<BsonDocument>(MongoPredictionLog.CollectionName);
        var explain = await Server.Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["find"] = MongoPredictionLog.CollectionName,
                ["filter"] = new BsonDocument { ["modelName"] = "flight-delay", ["entityKey"] = "UA123" },
                ["sort"] = new BsonDocument { ["predictedAt.Ticks"] = -1, ["_id"] = -1 },
                ["limit"] = 10,
            },
        });

        var plan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains(MongoPredictionLog.EntityKeyIndexName, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
        Assert.Equal(1, await predictions.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [SkippableFact]
    public async Task A_prediction_is_one_document_keyed_by_its_id_with_readable_times()
    {
        var prediction = SamplePredictions.Of("UA123", SamplePredictions.Start);
        await CreateLog().AddAsync(prediction, CancellationToken.None);

        var stored = await Server.Database.GetCollection<BsonDocument>(MongoPredictionLog.CollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();

        Assert.Equal(prediction.PredictionId, stored["_id"].AsGuid);
        Assert.Equal("flight-delay", stored["modelName"].AsString);
        Assert.Equal(prediction.PredictedAt.UtcDateTime.Ticks, stored["predictedAt"]["Ticks"].AsInt64);
        Assert.Equal(BsonType.DateTime, stored["predictedAt"]["DateTime"].BsonType);
    }

    public void Dispose()
    {
        foreach (var log in _logs)
            log.Dispose();
        _database?.Dispose();
    }
}
