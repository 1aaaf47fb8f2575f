using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Monitor.Storage;

namespace Monitor.Tests.Storage;

/// <summary>
/// The MongoDB store's documents as the driver writes and reads them, checked without a server (the contract's
/// MongoDB half needs one): every field round-trips, the JSON stays a string, and the fields the store's filters,
/// sorts and indexes name are the fields the documents have.
/// </summary>
public sealed class MongoMonitoringDocumentTests
{
    [Fact]
    public void A_bucket_document_round_trips_with_exact_times_and_the_aggregate_as_a_string()
    {
        var bucket = SampleMonitoring.Bucket(3, json: SampleMonitoring.AwkwardJson) with { Start = SampleMonitoring.Start.ToOffset(TimeSpan.FromHours(-5)) };

        var document = MongoMonitoringStore.BucketDocument.From(bucket).ToBsonDocument();

        // No _id: a replacement must not carry one, or replacing a stored bucket would try to change the server's id.
        Assert.False(document.Contains("_id"));
        Assert.Equal(SampleMonitoring.AwkwardJson, document["aggregate"].AsString);
        Assert.Equal(bucket.Start.UtcTicks, document["start"]["Ticks"].AsInt64);
        Assert.Equal(0, document["start"]["Offset"].ToInt32());
        Assert.Equal(BsonType.DateTime, document["end"]["DateTime"].BsonType);
        AssertFieldsMatch(MongoMonitoringStore.BucketKeyFilter(bucket.ModelName, bucket.ModelVersion, bucket.Start.UtcTicks), document);
        AssertPathsExist(MongoMonitoringStore.BucketRangeSort, document);
        AssertPathsExist(MongoMonitoringStore.ExpiredBucketsFilter(bucket.End), document);

        // As read back from the server, with the id it gave the document.
        document.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
        var read = BsonSerializer.Deserialize<MongoMonitoringStore.BucketDocument>(document).ToBucket();
        Assert.Equal(bucket, read);
        Assert.Equal(TimeSpan.Zero, read.Start.Offset);
    }

    [Fact]
    public void The_expiry_filter_takes_a_bucket_that_ended_a_tick_before_the_cutoff_in_the_same_millisecond()
    {
        // A BSON date keeps milliseconds: the indexed date must not exclude what the exact ticks include.
        var cutoff = SampleMonitoring.Start.AddTicks(5_000);
        var filter = MongoMonitoringStore.ExpiredBucketsFilter(cutoff);
        var endedJustBefore = MongoMonitoringStore.BucketDocument.From(new MonitoringBucket("m", "1", cutoff.AddMinutes(-1), cutoff.AddTicks(-1), 1, 0, "{}")).ToBsonDocument();
        var endedAtCutoff = MongoMonitoringStore.BucketDocument.From(new MonitoringBucket("m", "1", cutoff.AddMinutes(-1), cutoff, 1, 0, "{}")).ToBsonDocument();

        Assert.True(endedJustBefore["end"]["DateTime"] <= filter["end.DateTime"]["$lte"]);
        Assert.True(endedJustBefore["end"]["Ticks"] < filter["end.Ticks"]["$lt"]);
        Assert.False(endedAtCutoff["end"]["Ticks"] < filter["end.Ticks"]["$lt"]);
    }

    [Fact]
    public void An_alert_document_is_keyed_by_its_uuid_and_round_trips_with_the_details_as_a_string()
    {
        var alert = SampleMonitoring.Alert(2, kind: "performance") with { DetailsJson = SampleMonitoring.AwkwardJson };

        var document = MongoMonitoringStore.AlertDocument.From(alert).ToBsonDocument();

        Assert.Equal(BsonBinarySubType.UuidStandard, document["_id"].AsBsonBinaryData.SubType);
        Assert.Equal(alert.AlertId, document["_id"].AsBsonBinaryData.ToGuid());
        Assert.Equal(SampleMonitoring.AwkwardJson, document["details"].AsString);
        Assert.Equal(alert.DetectedAt.UtcTicks, document["detectedAt"]["Ticks"].AsInt64);
        AssertFieldsMatch(MongoMonitoringStore.AlertFilter(new AlertQuery(alert.ModelName, alert.ModelVersion, alert.Kind)), document);
        AssertPathsExist(MongoMonitoringStore.AlertFilter(new AlertQuery(Since: alert.DetectedAt)), document);
        AssertPathsExist(MongoMonitoringStore.AlertSort, document);
        Assert.Equal(alert, BsonSerializer.Deserialize<MongoMonitoringStore.AlertDocument>(document).ToAlert());
    }

    [Fact]
    public void A_rule_state_document_leaves_out_what_it_does_not_have_and_round_trips()
    {
        var firing = SampleMonitoring.RuleState(state: "firing", consecutive: 3);
        var ok = new AlertRuleState("input-drift", "drift", "flight-delay", "2", "ok", 0, null, null, double.NaN, SampleMonitoring.Start);

        var firingDocument = MongoMonitoringStore.RuleStateDocument.From(firing).ToBsonDocument();
        var okDocument = MongoMonitoringStore.RuleStateDocument.From(ok).ToBsonDocument();

        Assert.False(firingDocument.Contains("_id"));
        Assert.Equal(firing.LastFiredAt!.Value.UtcTicks, firingDocument["lastFiredAt"]["Ticks"].AsInt64);
        Assert.Equal(0.25, firingDocument["lastValue"].AsDouble);
        Assert.False(okDocument.Contains("since"));
        Assert.False(okDocument.Contains("lastFiredAt"));
        Assert.False(okDocument.Contains("lastValue"));
        AssertFieldsMatch(MongoMonitoringStore.RuleStateKeyFilter(firing.ModelName, firing.ModelVersion, firing.Rule), firingDocument);
        AssertPathsExist(MongoMonitoringStore.RuleStateSort, firingDocument);

        firingDocument.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
        Assert.Equal(firing, BsonSerializer.Deserialize<MongoMonitoringStore.RuleStateDocument>(firingDocument).ToState());
        Assert.Equal(ok with { LastValue = null }, BsonSerializer.Deserialize<MongoMonitoringStore.RuleStateDocument>(okDocument).ToState());
    }

    // Each equality of the filter holds on the document.
    private static void AssertFieldsMatch(BsonDocument filter, BsonDocument document)
    {
        Assert.NotEmpty(filter);
        foreach (var element in filter)
            Assert.Equal(element.Value, Resolve(document, element.Name));
    }

    private static void AssertPathsExist(BsonDocument filterOrSort, BsonDocument document)
    {
        foreach (var element in filterOrSort)
            Assert.True(Resolve(document, element.Name) is not null, $"The document has no field {element.Name}: {document}");
    }

    private static BsonValue? Resolve(BsonDocument document, string path)
    {
        BsonValue? value = document;
        foreach (var name in path.Split('.'))
            value = value is BsonDocument nested && nested.TryGetValue(name, out var child) ? child : null;
        return value;
    }
}
