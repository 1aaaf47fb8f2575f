using Contracts.Predictions;
using FeedbackCollector.Predictions;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>
/// What the <see cref="PredictionStore"/> must do on either provider of the document store. Each provider's test class
/// derives from it and says how to open a log on the test's own (at first empty) data, and how to open it again as after
/// a restart; xunit creates one instance per test, so each test has its own data. The tests are skippable:
/// a provider whose server is not there (MongoDB without <c>MONGODB_URI</c>) skips them with the reason.
/// </summary>
public abstract class PredictionStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A log on this test's data (empty before the test adds to it).</summary>
    protected abstract PredictionStore CreateLog();

    /// <summary>Closes <paramref name="log"/> and opens a new one on the same data, as a restarted service would.</summary>
    protected abstract PredictionStore Reopen(PredictionStore log);

    [SkippableFact]
    public async Task A_prediction_is_found_by_its_id_with_every_field()
    {
        var log = CreateLog();
        var prediction = SamplePredictions.Of("UA123", SamplePredictions.Start);

        Assert.Equal(1, await log.AddManyAsync([prediction], None));

        SamplePredictions.AssertSame(prediction, await log.FindAsync(prediction.PredictionId, None));
    }

    [SkippableFact]
    public async Task The_raw_record_comes_back_as_received_with_its_text_and_numbers()
    {
        var log = CreateLog();
        var prediction = SamplePredictions.Of("UA123", SamplePredictions.Start) with
        {
            Input = SamplePredictions.Json("""{"origin":"Zürich \"Kloten\" <ZRH> & co","distance":1744.0,"legs":[1,2.5,-3e2],"stop":null}"""),
        };

        await log.AddManyAsync([prediction], None);

        SamplePredictions.AssertSame(prediction, await log.FindAsync(prediction.PredictionId, None));
    }

    [SkippableFact]
    public async Task Optional_fields_come_back_absent()
    {
        var log = CreateLog();
        var prediction = SamplePredictions.Of(null, SamplePredictions.Start) with
        {
            CorrelationId = null, Source = PredictionSources.Tensor, Input = null, Label = null, Probability = null, Value = 12.5f, TraceParent = null, Features = [],
        };

        await log.AddManyAsync([prediction], None);

        SamplePredictions.AssertSame(prediction, await log.FindAsync(prediction.PredictionId, None));
    }

    [SkippableFact]
    public async Task A_shadow_prediction_is_kept_as_one_beside_the_answered_prediction_of_the_same_entity()
    {
        var log = CreateLog();
        var answered = SamplePredictions.Of("UA124", SamplePredictions.Start);
        var shadow = SamplePredictions.Of("UA124", SamplePredictions.Start.AddMilliseconds(3)) with { ModelVersion = "2", Shadow = true };

        await log.AddManyAsync([answered], None);
        await log.AddManyAsync([shadow], None);
        var reopened = Reopen(log);

        SamplePredictions.AssertSame(shadow, await reopened.FindAsync(shadow.PredictionId, None));
        var listed = await reopened.FindByEntityKeyAsync(answered.ModelName, "UA124", 10, None);
        Assert.Equal([(shadow.PredictionId, true), (answered.PredictionId, false)], listed.Select(prediction => (prediction.PredictionId, prediction.Shadow)));
    }

    [SkippableFact]
    public async Task An_unknown_id_is_not_found()
    {
        var log = CreateLog();
        await log.AddManyAsync([SamplePredictions.Of("UA123", SamplePredictions.Start)], None);

        Assert.Null(await log.FindAsync(Guid.CreateVersion7(), None));
    }

    [SkippableFact]
    public async Task The_same_prediction_added_twice_is_stored_once_as_first_received()
    {
        var log = CreateLog();
        var prediction = SamplePredictions.Of("UA123", SamplePredictions.Start);

        Assert.Equal(1, await log.AddManyAsync([prediction], None));
        Assert.Equal(0, await log.AddManyAsync([prediction with { Label = "delayed" }], None));
        Assert.Equal(0, await log.AddManyAsync([prediction, prediction], None));

        var listed = Assert.Single(await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, None));
        Assert.Equal("on-time", listed.Label);
    }

    [SkippableFact]
    public async Task Duplicates_inside_one_batch_are_stored_once()
    {
        var log = CreateLog();
        var first = SamplePredictions.Of("UA123", SamplePredictions.Start);
        var second = SamplePredictions.Of("UA123", SamplePredictions.Start.AddMinutes(1));

        Assert.Equal(2, await log.AddManyAsync([first, second, first, second, first], None));

        Assert.Equal(2, (await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, None)).Count);
    }

    [SkippableFact]
    public async Task An_entity_s_predictions_come_newest_first_for_that_model_only()
    {
        var log = CreateLog();
        var older = SamplePredictions.Of("UA123", SamplePredictions.Start);
        var newest = SamplePredictions.Of("UA123", SamplePredictions.Start.AddHours(2));
        var middle = SamplePredictions.Of("UA123", SamplePredictions.Start.AddHours(1)) with { ModelVersion = "2" };
        var otherEntity = SamplePredictions.Of("DL9", SamplePredictions.Start.AddHours(1));
        var otherModel = SamplePredictions.Of("UA123", SamplePredictions.Start.AddHours(3), model: "other-model");
        var noEntity = SamplePredictions.Of(null, SamplePredictions.Start.AddHours(4));
        // Added out of time order: the order must come from the prediction times, not from insertion.
        await log.AddManyAsync([newest, otherEntity, older, otherModel, middle, noEntity], None);

        var found = await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, None);

        Assert.Equal([newest.PredictionId, middle.PredictionId, older.PredictionId], found.Select(prediction => prediction.PredictionId));
        SamplePredictions.AssertSame(newest, found[0]);
    }

    [SkippableFact]
    public async Task An_entity_listing_returns_at_most_the_limit_newest_first()
    {
        var log = CreateLog();
        var predictions = Enumerable.Range(0, 5).Select(minute => SamplePredictions.Of("UA123", SamplePredictions.Start.AddMinutes(minute))).ToArray();
        await log.AddManyAsync(predictions, None);

        var found = await log.FindByEntityKeyAsync("flight-delay", "UA123", 2, None);

        Assert.Equal([predictions[4].PredictionId, predictions[3].PredictionId], found.Select(prediction => prediction.PredictionId));
        Assert.Empty(await log.FindByEntityKeyAsync("flight-delay", "nobody", 10, None));
    }

    [SkippableFact]
    public async Task Predictions_are_still_there_after_the_log_is_reopened()
    {
        var log = CreateLog();
        var predictions = Enumerable.Range(0, 3).Select(minute => SamplePredictions.Of("UA123", SamplePredictions.Start.AddMinutes(minute))).ToArray();
        await log.AddManyAsync(predictions, None);

        var reopened = Reopen(log);

        SamplePredictions.AssertSame(predictions[1], await reopened.FindAsync(predictions[1].PredictionId, None));
        Assert.Equal(3, (await reopened.FindByEntityKeyAsync("flight-delay", "UA123", 10, None)).Count);
        Assert.Equal(0, await reopened.AddManyAsync([predictions[0]], None));
    }

    [SkippableFact]
    public async Task Predictions_are_found_by_many_ids_at_once_and_unknown_ids_are_left_out()
    {
        var log = CreateLog();
        var predictions = Enumerable.Range(0, 3).Select(minute => SamplePredictions.Of("UA123", SamplePredictions.Start.AddMinutes(minute))).ToArray();
        await log.AddManyAsync(predictions, None);

        var found = await log.FindManyAsync([predictions[2].PredictionId, Guid.CreateVersion7(), predictions[0].PredictionId], None);

        Assert.Equal(
            new[] { predictions[0].PredictionId, predictions[2].PredictionId }.Order(),
            found.Select(prediction => prediction.PredictionId).Order());
        SamplePredictions.AssertSame(predictions[2], found.Single(prediction => prediction.PredictionId == predictions[2].PredictionId));
        Assert.Empty(await log.FindManyAsync([], None));
    }

    [SkippableFact]
    public async Task The_newest_prediction_of_each_version_at_or_before_a_time_is_found()
    {
        var log = CreateLog();
        var at = SamplePredictions.Start.AddHours(3);
        var championOld = SamplePredictions.Of("UA123", SamplePredictions.Start);
        var championNewest = SamplePredictions.Of("UA123", at.AddHours(-1));
        var championAfter = SamplePredictions.Of("UA123", at.AddTicks(1));
        var shadowExactlyAt = SamplePredictions.Of("UA123", at) with { ModelVersion = "2" };
        var shadowOld = SamplePredictions.Of("UA123", SamplePredictions.Start.AddMinutes(1)) with { ModelVersion = "2" };
        var onlyAfter = SamplePredictions.Of("UA123", at.AddMinutes(5)) with { ModelVersion = "3" };
        var otherEntity = SamplePredictions.Of("DL9", at.AddMinutes(-1));
        var otherModel = SamplePredictions.Of("UA123", at.AddMinutes(-1), model: "other-model");
        await log.AddManyAsync([championOld, championAfter, shadowOld, championNewest, onlyAfter, shadowExactlyAt, otherEntity, otherModel], None);

        var found = await log.FindLatestPerVersionAsync("flight-delay", "UA123", at, None);

        Assert.Equal(
            new[] { championNewest.PredictionId, shadowExactlyAt.PredictionId }.Order(),
            found.Select(prediction => prediction.PredictionId).Order());
        SamplePredictions.AssertSame(championNewest, found.Single(prediction => prediction.ModelVersion == "1"));
        Assert.Empty(await log.FindLatestPerVersionAsync("flight-delay", "UA123", SamplePredictions.Start.AddTicks(-1), None));
        Assert.Empty(await log.FindLatestPerVersionAsync("flight-delay", "nobody", at, None));
    }

    [SkippableFact]
    public async Task Concurrent_writers_lose_nothing_and_store_nothing_twice()
    {
        const int Writers = 8;
        const int PerWriter = 250;
        var log = CreateLog();
        var batches = Enumerable.Range(0, Writers)
            .Select(writer => Enumerable.Range(0, PerWriter).Select(row => SamplePredictions.Of($"E{writer}", SamplePredictions.Start.AddSeconds(row))).ToArray())
            .ToArray();
        // Every batch is written twice, by two writers racing each other, plus one writer adding one by one.
        var writes = batches.Concat(batches)
            .Select(batch => Task.Run(() => log.AddManyAsync(batch, None)))
            .Append(Task.Run(async () =>
            {
                var added = 0;
                foreach (var prediction in batches[0].Take(50))
                    added += await log.AddManyAsync([prediction], None) == 1 ? 1 : 0;
                return added;
            }));

        var added = await Task.WhenAll(writes);

        Assert.Equal(Writers * PerWriter, added.Sum());
        foreach (var writer in Enumerable.Range(0, Writers))
            Assert.Equal(PerWriter, (await log.FindByEntityKeyAsync("flight-delay", $"E{writer}", 1000, None)).Count);
    }
}
