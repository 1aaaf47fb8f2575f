using FeedbackCollector.Outcomes;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>
/// What the <see cref="OutcomeStore"/> must do on either provider of the document store. Each provider's test class
/// derives from it and says how to open a store on the test's own (at first empty) data, and how to open it again as
/// after a restart. The tests are skippable: MongoDB without <c>MONGODB_URI</c> skips them with the reason.
/// </summary>
public abstract class OutcomeStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A store on this test's data (empty before the test adds to it).</summary>
    protected abstract OutcomeStore CreateStore();

    /// <summary>Closes <paramref name="store"/> and opens a new one on the same data, as a restarted service would.</summary>
    protected abstract OutcomeStore Reopen(OutcomeStore store);

    /// <summary>The document database under <see cref="CreateStore"/>'s stores, to write documents as an earlier version did.</summary>
    protected abstract IDocumentDatabase OpenDatabase();

    [SkippableFact]
    public async Task A_new_outcome_is_stored_pending_and_found_by_its_id_with_every_field()
    {
        var store = CreateStore();
        var byPrediction = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), value: 37.25);
        var byEntity = SampleOutcomes.ForEntity("UA123", observedAt: SampleOutcomes.Start.AddTicks(1234567), receivedAt: SampleOutcomes.Start.AddMinutes(1));

        var admissions = await store.AddManyAsync([byPrediction, byEntity], None);

        Assert.All(admissions, admission => Assert.True(admission.IsNew));
        SampleOutcomes.AssertSame(byPrediction, await store.FindAsync(byPrediction.OutcomeId, None));
        SampleOutcomes.AssertSame(byEntity, await store.FindAsync(byEntity.OutcomeId, None));
        Assert.Equal(OutcomeState.Pending, (await store.FindAsync(byEntity.OutcomeId, None))!.State);
        Assert.Null(await store.FindAsync("no-such-outcome", None));
    }

    [SkippableFact]
    public async Task The_same_outcome_id_is_stored_once_as_first_received_and_each_copy_is_counted_as_a_duplicate()
    {
        var store = CreateStore();
        var first = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), outcomeId: "flight-UA123-arrival", value: 37);
        var copy = first with { Value = 99 };

        var admissions = await store.AddManyAsync([first, copy], None);
        var again = await store.AddManyAsync([copy], None);

        Assert.Equal([true, false, false], admissions.Concat(again).Select(admission => admission.IsNew));
        Assert.Equal(37, admissions[1].Stored.Value);
        Assert.Equal(2, again[0].Stored.Duplicates);
        var stored = await store.FindAsync(first.OutcomeId, None);
        Assert.Equal(37, stored!.Value);
        Assert.Equal(2, stored.Duplicates);
        Assert.Equal(2, (await store.CountAsync(None)).Total.Duplicates);
        Assert.Equal(1, (await store.CountAsync(None)).Total.Received);
    }

    [SkippableFact]
    public async Task Pending_outcomes_are_found_by_the_prediction_they_name()
    {
        var store = CreateStore();
        var waiting = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        var alsoWaiting = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        var joined = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        var other = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        await store.AddManyAsync([waiting, alsoWaiting, joined, other], None);
        await MarkJoinedAsync(store, Joined(joined, joined.PredictionId!.Value));

        var found = await store.FindPendingByPredictionIdsAsync([waiting.PredictionId!.Value, alsoWaiting.PredictionId!.Value, joined.PredictionId!.Value, Guid.CreateVersion7()], None);

        Assert.Equal(
            new[] { waiting.OutcomeId, alsoWaiting.OutcomeId }.Order(StringComparer.Ordinal),
            found.Select(outcome => outcome.OutcomeId).Order(StringComparer.Ordinal));
        Assert.Empty(await store.FindPendingByPredictionIdsAsync([], None));
    }

    [SkippableFact]
    public async Task Pending_outcomes_given_by_entity_key_are_found_by_model_and_key_only()
    {
        var store = CreateStore();
        var waiting = SampleOutcomes.ForEntity("UA123");
        var laterSameKey = SampleOutcomes.ForEntity("UA123", observedAt: SampleOutcomes.Start.AddDays(1));
        var otherKey = SampleOutcomes.ForEntity("DL9");
        var otherModel = SampleOutcomes.ForEntity("UA123", model: "other-model");
        // Names a prediction: the prediction decides its join, not the entity key.
        var withPredictionId = SampleOutcomes.ForPrediction(Guid.CreateVersion7()) with { ModelName = "flight-delay", EntityKey = "UA123" };
        var joined = SampleOutcomes.ForEntity("UA123", observedAt: SampleOutcomes.Start.AddHours(1));
        await store.AddManyAsync([waiting, laterSameKey, otherKey, otherModel, withPredictionId, joined], None);
        await MarkJoinedAsync(store, Joined(joined, Guid.CreateVersion7()));

        var found = await store.FindPendingByEntityKeysAsync([new EntityRef("flight-delay", "UA123"), new EntityRef("flight-delay", "AA1")], None);

        Assert.Equal(
            new[] { waiting.OutcomeId, laterSameKey.OutcomeId }.Order(StringComparer.Ordinal),
            found.Select(outcome => outcome.OutcomeId).Order(StringComparer.Ordinal));
        var both = await store.FindPendingByEntityKeysAsync([new EntityRef("flight-delay", "DL9"), new EntityRef("other-model", "UA123")], None);
        Assert.Equal(
            new[] { otherKey.OutcomeId, otherModel.OutcomeId }.Order(StringComparer.Ordinal),
            both.Select(outcome => outcome.OutcomeId).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Only_a_pending_outcome_is_marked_joined_and_keeps_its_predictions_and_model()
    {
        var store = CreateStore();
        var outcome = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        var orphan = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), receivedAt: SampleOutcomes.Start.AddDays(-30));
        await store.AddManyAsync([outcome, orphan], None);
        await store.OrphanPendingAsync(SampleOutcomes.Start.AddDays(-7), None);
        var champion = new OutcomeJoin(outcome.PredictionId!.Value, "1");
        var shadow = new OutcomeJoin(Guid.CreateVersion7(), "2");
        var joinedAt = SampleOutcomes.Start.AddHours(2).AddTicks(5);

        var marked = await MarkJoinedAsync(store, new JoinedOutcome(outcome.OutcomeId, "flight-delay", [champion, shadow], joinedAt), Joined(orphan, orphan.PredictionId!.Value));
        var again = await MarkJoinedAsync(store, new JoinedOutcome(outcome.OutcomeId, "flight-delay", [shadow], joinedAt.AddHours(1)));

        Assert.Equal([outcome.OutcomeId], marked);
        Assert.Empty(again);
        SampleOutcomes.AssertSame(
            outcome with { ModelName = "flight-delay", State = OutcomeState.Joined, Joins = [champion, shadow], JoinedAt = joinedAt },
            await store.FindAsync(outcome.OutcomeId, None));
        Assert.Equal(OutcomeState.Orphaned, (await store.FindAsync(orphan.OutcomeId, None))!.State);
        Assert.Empty((await store.FindAsync(orphan.OutcomeId, None))!.Joins);
    }

    [SkippableFact]
    public async Task A_joined_outcome_stays_unpublished_until_marked_published_and_is_found_by_its_join_time()
    {
        var store = CreateStore();
        var outcomes = Enumerable.Range(0, 4).Select(index => SampleOutcomes.ForEntity($"E{index}")).ToArray();
        await store.AddManyAsync(outcomes, None);
        var joinedAt = SampleOutcomes.Start.AddHours(1);
        for (var index = 0; index < 3; index++)
        {
            await MarkJoinedAsync(store, new JoinedOutcome(outcomes[index].OutcomeId, "flight-delay", [new OutcomeJoin(Guid.CreateVersion7(), "1")], joinedAt.AddMinutes(index)));
        }

        Assert.False((await store.FindAsync(outcomes[0].OutcomeId, None))!.Published);
        await MarkPublishedAsync(store, outcomes[1].OutcomeId, outcomes[3].OutcomeId);

        var unpublished = await store.FindUnpublishedAsync(joinedAt.AddMinutes(5), 10, None);
        Assert.Equal([outcomes[0].OutcomeId, outcomes[2].OutcomeId], unpublished.Select(outcome => outcome.OutcomeId));
        Assert.Equal([outcomes[0].OutcomeId], (await store.FindUnpublishedAsync(joinedAt.AddMinutes(5), 1, None)).Select(outcome => outcome.OutcomeId));
        Assert.Equal([outcomes[0].OutcomeId], (await store.FindUnpublishedAsync(joinedAt.AddMinutes(1), 10, None)).Select(outcome => outcome.OutcomeId));
        Assert.True((await store.FindAsync(outcomes[1].OutcomeId, None))!.Published);
        // Only a joined outcome is ever published.
        Assert.False((await store.FindAsync(outcomes[3].OutcomeId, None))!.Published);
    }

    [SkippableFact]
    public async Task Pending_outcomes_received_before_the_cutoff_are_orphaned_and_no_longer_found_as_pending()
    {
        var store = CreateStore();
        var cutoff = SampleOutcomes.Start;
        var old = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), receivedAt: cutoff.AddTicks(-1));
        var oldByEntity = SampleOutcomes.ForEntity("UA123", receivedAt: cutoff.AddDays(-8));
        var recent = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), receivedAt: cutoff);
        var oldButJoined = SampleOutcomes.ForPrediction(Guid.CreateVersion7(), receivedAt: cutoff.AddDays(-9));
        await store.AddManyAsync([old, oldByEntity, recent, oldButJoined], None);
        await MarkJoinedAsync(store, Joined(oldButJoined, oldButJoined.PredictionId!.Value));

        Assert.Equal(2, await store.OrphanPendingAsync(cutoff, None));
        Assert.Equal(0, await store.OrphanPendingAsync(cutoff, None));

        Assert.Equal(OutcomeState.Orphaned, (await store.FindAsync(old.OutcomeId, None))!.State);
        Assert.Equal(OutcomeState.Orphaned, (await store.FindAsync(oldByEntity.OutcomeId, None))!.State);
        Assert.Equal(OutcomeState.Pending, (await store.FindAsync(recent.OutcomeId, None))!.State);
        Assert.Equal(OutcomeState.Joined, (await store.FindAsync(oldButJoined.OutcomeId, None))!.State);
        Assert.Empty(await store.FindPendingByPredictionIdsAsync([old.PredictionId!.Value], None));
        Assert.Empty(await store.FindPendingByEntityKeysAsync([new EntityRef("flight-delay", "UA123")], None));
    }

    [SkippableFact]
    public async Task Outcomes_are_counted_per_state_in_all_and_per_model()
    {
        var store = CreateStore();
        var joined = SampleOutcomes.ForEntity("A1");
        var pending = SampleOutcomes.ForEntity("A2");
        var orphan = SampleOutcomes.ForEntity("A3", receivedAt: SampleOutcomes.Start.AddDays(-30));
        var otherModel = SampleOutcomes.ForEntity("A1", model: "other-model");
        var unknownModel = SampleOutcomes.ForPrediction(Guid.CreateVersion7());
        await store.AddManyAsync([joined, pending, orphan, otherModel, unknownModel, pending, pending, otherModel], None);
        await MarkJoinedAsync(store, Joined(joined, Guid.CreateVersion7()));
        await store.OrphanPendingAsync(SampleOutcomes.Start.AddDays(-7), None);

        var counts = await store.CountAsync(None);

        Assert.Equal(new OutcomeTally(Joined: 1, Pending: 3, Orphaned: 1, Duplicates: 3), counts.Total);
        Assert.Equal(5, counts.Total.Received);
        Assert.Equal(["flight-delay", "other-model"], counts.Models.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new OutcomeTally(Joined: 1, Pending: 1, Orphaned: 1, Duplicates: 2), counts.Models["flight-delay"]);
        Assert.Equal(new OutcomeTally(Joined: 0, Pending: 1, Orphaned: 0, Duplicates: 1), counts.Models["other-model"]);
    }

    [SkippableFact]
    public async Task Outcomes_are_counted_per_source_in_all_and_per_model_and_the_counts_survive_a_reopen()
    {
        var store = CreateStore();
        const string Key = "key:0a1b2c3d4e5f";
        const string Broker = "broker:platform-external";
        var byKey = SampleOutcomes.ForEntity("S1") with { ReportedBy = Key };
        var byKeyPending = SampleOutcomes.ForEntity("S2") with { ReportedBy = Key };
        var byBroker = SampleOutcomes.ForEntity("S3") with { ReportedBy = Broker };
        var byBrokerOther = SampleOutcomes.ForEntity("S3", model: "other-model") with { ReportedBy = Broker };
        var byBrokerNoModel = SampleOutcomes.ForPrediction(Guid.CreateVersion7()) with { ReportedBy = Broker };
        var anonymous = SampleOutcomes.ForEntity("S4") with { ReportedBy = "anonymous" };
        // A copy from another source counts with its first copy's source.
        await store.AddManyAsync([byKey, byKeyPending, byBroker, byBrokerOther, byBrokerNoModel, anonymous, byKey with { ReportedBy = Broker }], None);
        await MarkJoinedAsync(store, Joined(byKey, Guid.CreateVersion7()), Joined(byBroker, Guid.CreateVersion7()), Joined(byBrokerOther, Guid.CreateVersion7()));

        var counts = await Reopen(store).CountAsync(None);

        Assert.Equal(
            [
                ("anonymous", new OutcomeTally(Joined: 0, Pending: 1, Orphaned: 0, Duplicates: 0)),
                (Broker, new OutcomeTally(Joined: 2, Pending: 1, Orphaned: 0, Duplicates: 0)),
                (Key, new OutcomeTally(Joined: 1, Pending: 1, Orphaned: 0, Duplicates: 1)),
            ],
            counts.BySource());
        Assert.Equal(
            [
                ("anonymous", new OutcomeTally(Joined: 0, Pending: 1, Orphaned: 0, Duplicates: 0)),
                (Broker, new OutcomeTally(Joined: 1, Pending: 0, Orphaned: 0, Duplicates: 0)),
                (Key, new OutcomeTally(Joined: 1, Pending: 1, Orphaned: 0, Duplicates: 1)),
            ],
            counts.BySource("flight-delay"));
        Assert.Equal([(Broker, new OutcomeTally(Joined: 1, Pending: 0, Orphaned: 0, Duplicates: 0))], counts.BySource("other-model"));
        Assert.Equal(counts.Total, counts.BySource().Aggregate(OutcomeTally.Zero, (sum, source) => sum.Plus(source.Tally)));
        Assert.Equal(new OutcomeTally(Joined: 3, Pending: 3, Orphaned: 0, Duplicates: 1), counts.Total);
    }

    [SkippableFact]
    public async Task Outcomes_stored_before_sources_were_kept_are_counted_with_no_source_and_by_model_as_before()
    {
        var store = CreateStore();
        var earlier = OpenDatabase().Collection(BeforeSources);
        var old = SampleOutcomes.ForEntity("B1");
        var oldColon = SampleOutcomes.ForEntity("B2", model: "odd:model");
        var oldUnknownModel = SampleOutcomes.ForPrediction(Guid.CreateVersion7()) with { Duplicates = 2 };
        await earlier.InsertManyAsync([old, oldColon, oldUnknownModel], None);
        var current = SampleOutcomes.ForEntity("B3") with { ReportedBy = "key:0a1b2c3d4e5f" };
        await store.AddManyAsync([current], None);

        var counts = await store.CountAsync(None);

        Assert.Equal(new OutcomeTally(Joined: 0, Pending: 4, Orphaned: 0, Duplicates: 2), counts.Total);
        Assert.Equal(new OutcomeTally(Joined: 0, Pending: 2, Orphaned: 0, Duplicates: 0), counts.Models["flight-delay"]);
        Assert.Equal(new OutcomeTally(Joined: 0, Pending: 1, Orphaned: 0, Duplicates: 0), counts.Models["odd:model"]);
        Assert.Equal(
            [("key:0a1b2c3d4e5f", new OutcomeTally(0, 1, 0, 0)), (null, new OutcomeTally(Joined: 0, Pending: 3, Orphaned: 0, Duplicates: 2))],
            counts.BySource());
        Assert.Equal([((string?)null, new OutcomeTally(0, 1, 0, 0))], counts.BySource("odd:model"));
        // Once changed, an earlier outcome is written in today's form, with its source still unknown.
        await store.AddManyAsync([old], None);
        Assert.Equal(
            [("key:0a1b2c3d4e5f", new OutcomeTally(0, 1, 0, 0)), (null, new OutcomeTally(Joined: 0, Pending: 3, Orphaned: 0, Duplicates: 3))],
            (await store.CountAsync(None)).BySource());
    }

    [SkippableFact]
    public async Task An_empty_store_counts_nothing()
    {
        var counts = await CreateStore().CountAsync(None);

        Assert.Equal(OutcomeTally.Zero, counts.Total);
        Assert.Empty(counts.Models);
        Assert.Empty(counts.BySource());
    }

    [SkippableFact]
    public async Task Outcomes_are_still_there_after_the_store_is_reopened()
    {
        var store = CreateStore();
        var outcome = SampleOutcomes.ForEntity("UA123");
        await store.AddManyAsync([outcome], None);

        var reopened = Reopen(store);

        SampleOutcomes.AssertSame(outcome, await reopened.FindAsync(outcome.OutcomeId, None));
        Assert.False((await reopened.AddManyAsync([outcome], None))[0].IsNew);
    }

    [SkippableFact]
    public async Task Concurrent_writers_of_the_same_outcomes_store_each_once()
    {
        const int Writers = 6;
        var store = CreateStore();
        var outcomes = Enumerable.Range(0, 200).Select(index => SampleOutcomes.ForEntity($"E{index}")).ToArray();

        var admissions = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() => store.AddManyAsync(outcomes, None))));

        Assert.Equal(outcomes.Length, admissions.SelectMany(batch => batch).Count(admission => admission.IsNew));
        var counts = await store.CountAsync(None);
        Assert.Equal(outcomes.Length, counts.Total.Pending);
        Assert.Equal(outcomes.Length * (Writers - 1), counts.Total.Duplicates);
    }

    // The outcomes collection as the version before sources were kept declared it: its tally "State:duplicates[:model]".
    private static readonly DocumentSchema<Outcome> BeforeSources = new()
    {
        Name = "outcomes",
        Key = outcome => outcome.OutcomeId,
        Fields = [new("state", outcome => outcome.State), new("prediction", outcome => outcome.PredictionId), new("model", outcome => outcome.ModelName),
            new("entity", outcome => outcome.EntityKey), new("received", outcome => outcome.ReceivedAt), new("joined", outcome => outcome.JoinedAt),
            new("published", outcome => outcome.Published),
            new("tally", outcome => $"{outcome.State}:{outcome.Duplicates}" + (outcome.ModelName is null ? "" : ":" + outcome.ModelName))],
        Indexes = [["state", "prediction"], ["state", "model", "entity"], ["state", "received"], ["state", "published", "joined"], ["tally"]],
    };

    private static JoinedOutcome Joined(Outcome outcome, Guid predictionId) =>
        new(outcome.OutcomeId, outcome.ModelName ?? "flight-delay", [new OutcomeJoin(predictionId, "1")], SampleOutcomes.Start.AddHours(1));

    // Marks outcomes joined as the joiner does, one compare-and-set each; the ids this call marked.
    private static async Task<List<string>> MarkJoinedAsync(OutcomeStore store, params JoinedOutcome[] joins)
    {
        var marked = new List<string>();
        foreach (var join in joins)
        {
            if (await store.UpdateAsync(join.OutcomeId, stored => stored.JoinedTo(join), None) is not null)
                marked.Add(join.OutcomeId);
        }

        return marked;
    }

    private static async Task MarkPublishedAsync(OutcomeStore store, params string[] outcomeIds)
    {
        foreach (var outcomeId in outcomeIds)
            await store.UpdateAsync(outcomeId, stored => stored.MarkedPublished(), None);
    }
}
