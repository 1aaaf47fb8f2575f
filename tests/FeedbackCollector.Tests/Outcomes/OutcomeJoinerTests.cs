using Contracts.Predictions;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Tests.Predictions;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>
/// The join rules: by prediction id, or by model and entity key (each version's newest prediction at or before
/// the observation); outcomes held pending until their prediction arrives, orphaned after the hold time;
/// duplicates changing nothing; one <c>OutcomeRecorded</c> per joined prediction.
/// </summary>
public sealed class OutcomeJoinerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2001, 2, 3, 12, 0, 0, TimeSpan.Zero);
    private JoiningFixture _system = null!;

    public async Task InitializeAsync() => _system = await JoiningFixture.StartAsync(Now);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task An_outcome_naming_a_logged_prediction_is_joined_and_its_OutcomeRecorded_carries_both_sides()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        await _system.ArriveAsync(prediction);
        var observedAt = Now.AddMinutes(-5);
        var outcome = Outcome.Received("arrival-UA123", prediction.PredictionId, null, null, observedAt, 37, null, Now);

        var receipt = Assert.Single(await _system.ReceiveAsync(outcome));

        Assert.Equal(("arrival-UA123", "joined"), (receipt.OutcomeId, receipt.Status));
        Assert.Equal([prediction.PredictionId], receipt.PredictionIds);
        var recorded = Assert.Single(_system.Recorded);
        Assert.Equal(OutcomeIds.EventIdOf("arrival-UA123"), recorded.OutcomeId);
        Assert.Equal(prediction.PredictionId, recorded.PredictionId);
        Assert.Equal(("flight-delay", "1", "UA123", "online"), (recorded.ModelName, recorded.ModelVersion, recorded.EntityKey, recorded.Source));
        Assert.Equal(37, recorded.ActualValue);
        Assert.Null(recorded.ActualLabel);
        Assert.Equal(prediction.Features, recorded.Features);
        Assert.Equal(prediction.Probability, recorded.Probability);
        Assert.Equal(prediction.Label, recorded.PredictedLabel);
        Assert.Equal(prediction.Value, recorded.PredictedValue);
        Assert.Equal(prediction.Input!.Value.GetRawText(), recorded.Input!.Value.GetRawText());
        Assert.Equal((prediction.PredictedAt, observedAt, Now), (recorded.PredictedAt, recorded.ObservedAt, recorded.RecordedAt));
        var stored = await _system.Store.FindAsync("arrival-UA123", CancellationToken.None);
        Assert.Equal(OutcomeState.Joined, stored!.State);
        Assert.Equal("flight-delay", stored.ModelName);
        Assert.Equal([new OutcomeJoin(prediction.PredictionId, "1")], stored.Joins);
    }

    [Fact]
    public async Task The_broker_user_that_reported_an_outcome_is_stored_with_it_and_carried_by_its_OutcomeRecorded_when_it_joins_later()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var reported = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now) with { ReportedBy = "platform-external" };
        var unknown = Outcome.Received("arrival-UA124", prediction.PredictionId, null, null, Now, 12, null, Now);

        await _system.ReceiveAsync(reported, unknown);
        await _system.ArriveAsync(prediction);

        Assert.Equal("platform-external", (await _system.Store.FindAsync(reported.OutcomeId, CancellationToken.None))!.ReportedBy);
        var recorded = _system.Recorded.ToDictionary(outcome => outcome.OutcomeId);
        Assert.Equal("platform-external", recorded[reported.EventId].ReportedBy);
        Assert.Null(recorded[unknown.EventId].ReportedBy);
    }

    [Fact]
    public async Task A_multiclass_prediction_s_label_probabilities_go_from_the_log_into_its_OutcomeRecorded_and_a_binary_one_has_none()
    {
        var multiclass = SamplePredictions.Of("WX1", Now.AddHours(-2)) with { Label = "middle", Probability = 0.5f, Probabilities = [0.25f, 0.5f, 0.25f] };
        var binary = SamplePredictions.Of("UA123", Now.AddHours(-2));
        await _system.ArriveAsync(multiclass, binary);

        await _system.ReceiveAsync(
            Outcome.Received("weather-WX1", multiclass.PredictionId, null, null, Now, null, "high", Now),
            Outcome.Received("arrival-UA123", binary.PredictionId, null, null, Now, 37, null, Now));

        var recorded = _system.Recorded.ToDictionary(outcome => outcome.PredictionId);
        Assert.Equal([0.25f, 0.5f, 0.25f], recorded[multiclass.PredictionId].Probabilities!);
        Assert.Null(recorded[binary.PredictionId].Probabilities);
    }

    [Fact]
    public async Task An_outcome_whose_prediction_is_not_logged_yet_is_pending_and_joined_when_the_prediction_arrives()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);

        var receipt = Assert.Single(await _system.ReceiveAsync(outcome));

        Assert.Equal("pending", receipt.Status);
        Assert.Empty(receipt.PredictionIds);
        Assert.Empty(_system.Recorded);
        Assert.Equal(OutcomeState.Pending, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.State);

        await _system.ArriveAsync(SamplePredictions.Of("UA999", Now), prediction);

        var recorded = Assert.Single(_system.Recorded);
        Assert.Equal(prediction.PredictionId, recorded.PredictionId);
        Assert.Equal(outcome.EventId, recorded.OutcomeId);
        Assert.Equal(OutcomeState.Joined, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.State);

        // The same predictions delivered again (a broker redelivery) join nothing more.
        await _system.ArriveAsync(prediction);
        Assert.Single(_system.Recorded);
    }

    [Fact]
    public async Task The_same_outcome_sent_again_is_a_duplicate_that_stores_and_publishes_nothing_more()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        await _system.ArriveAsync(prediction);
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);

        var first = await _system.ReceiveAsync(outcome);
        var again = await _system.ReceiveAsync(outcome with { Value = 99 }, outcome);

        Assert.Equal("joined", first[0].Status);
        Assert.Equal(["duplicate", "duplicate"], again.Select(receipt => receipt.Status));
        Assert.All(again, receipt => Assert.Equal([prediction.PredictionId], receipt.PredictionIds));
        Assert.Single(_system.Recorded);
        var stored = await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None);
        Assert.Equal(37, stored!.Value);
        Assert.Equal(2, stored.Duplicates);
        var counts = await _system.Store.CountAsync(CancellationToken.None);
        Assert.Equal((1L, 1L, 2L), (counts.Total.Received, counts.Total.Joined, counts.Total.Duplicates));
    }

    [Fact]
    public async Task Two_copies_in_one_request_are_one_outcome_and_one_duplicate()
    {
        var outcome = SampleOutcomes.ForEntity("UA123", observedAt: Now);

        var receipts = await _system.ReceiveAsync(outcome, outcome);

        Assert.Equal(["pending", "duplicate"], receipts.Select(receipt => receipt.Status));
        Assert.Equal(1, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.Duplicates);
    }

    [Fact]
    public async Task An_entity_key_outcome_joins_the_newest_prediction_of_each_version_made_at_or_before_it_was_observed()
    {
        var observedAt = Now.AddHours(-1);
        var championOld = SamplePredictions.Of("UA123", Now.AddDays(-1));
        var champion = SamplePredictions.Of("UA123", observedAt.AddHours(-2));
        var shadow = SamplePredictions.Of("UA123", observedAt.AddHours(-2).AddMilliseconds(40)) with { ModelVersion = "2", Probability = 0.41f };
        var championAfter = SamplePredictions.Of("UA123", observedAt.AddMinutes(10));
        var otherFlight = SamplePredictions.Of("UA124", observedAt.AddHours(-2));
        await _system.ArriveAsync(championOld, champion, shadow, championAfter, otherFlight);
        var outcome = Outcome.Received("UA123-2001-02-03", null, "flight-delay", "UA123", observedAt, null, "late", Now);

        var receipt = Assert.Single(await _system.ReceiveAsync(outcome));

        Assert.Equal("joined", receipt.Status);
        Assert.Equal(new[] { champion.PredictionId, shadow.PredictionId }.Order(), receipt.PredictionIds.Order());
        var recorded = _system.Recorded.OrderBy(message => message.ModelVersion, StringComparer.Ordinal).ToList();
        Assert.Equal([("1", champion.PredictionId), ("2", shadow.PredictionId)], recorded.Select(message => (message.ModelVersion, message.PredictionId)));
        Assert.All(recorded, message => Assert.Equal(("late", OutcomeIds.EventIdOf("UA123-2001-02-03")), (message.ActualLabel, message.OutcomeId)));
        Assert.Equal(0.41f, recorded[1].Probability);
        var stored = await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None);
        Assert.Equal([new OutcomeJoin(champion.PredictionId, "1"), new OutcomeJoin(shadow.PredictionId, "2")], stored!.Joins);
    }

    [Fact]
    public async Task A_pending_entity_key_outcome_is_joined_only_by_a_prediction_made_before_it_was_observed()
    {
        var observedAt = Now.AddHours(-1);
        var outcome = Outcome.Received("UA123-arrival", null, "flight-delay", "UA123", observedAt, 12, null, Now);
        Assert.Equal("pending", (await _system.ReceiveAsync(outcome))[0].Status);

        // Made after the outcome was observed (tomorrow's flight with the same number): not its prediction.
        await _system.ArriveAsync(SamplePredictions.Of("UA123", observedAt.AddTicks(1)), SamplePredictions.Of("UA123", observedAt, model: "other-model"));
        Assert.Empty(_system.Recorded);
        Assert.Equal(OutcomeState.Pending, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.State);

        var made = SamplePredictions.Of("UA123", observedAt.AddMinutes(-90));
        await _system.ArriveAsync(made);

        var recorded = Assert.Single(_system.Recorded);
        Assert.Equal((made.PredictionId, 12d), (recorded.PredictionId, recorded.ActualValue));
        Assert.Equal(OutcomeState.Joined, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task An_outcome_sent_again_while_pending_is_joined_if_its_prediction_is_logged_by_then()
    {
        // As after an attempt that stored the outcome and failed before joining it: pending, prediction logged.
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        await _system.Store.AddManyAsync([outcome], CancellationToken.None);
        await _system.Log.AddManyAsync([prediction], CancellationToken.None);

        var receipt = Assert.Single(await _system.ReceiveAsync(outcome));

        Assert.Equal("duplicate", receipt.Status);
        Assert.Equal([prediction.PredictionId], receipt.PredictionIds);
        Assert.Equal(prediction.PredictionId, Assert.Single(_system.Recorded).PredictionId);
        Assert.Equal(OutcomeState.Joined, (await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Pending_outcomes_are_orphaned_once_held_longer_than_the_hold_time_and_are_not_joined_after()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        await _system.ReceiveAsync(outcome);

        _system.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, await _system.Sweep.OrphanAsync(_system.Clock.GetUtcNow(), CancellationToken.None));
        _system.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await _system.Sweep.OrphanAsync(_system.Clock.GetUtcNow(), CancellationToken.None));

        await _system.ArriveAsync(prediction);

        Assert.Empty(_system.Recorded);
        var stored = await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None);
        Assert.Equal(OutcomeState.Orphaned, stored!.State);
        Assert.Equal(1, (await _system.Store.CountAsync(CancellationToken.None)).Total.Orphaned);
    }

    [Fact]
    public async Task The_hold_time_is_the_setting_s()
    {
        await using var system = await JoiningFixture.StartAsync(Now, new FeedbackOptions { HoldFor = TimeSpan.FromHours(1) });
        await system.ReceiveAsync(SampleOutcomes.ForEntity("UA123", receivedAt: Now));

        Assert.Equal(0, await system.Sweep.OrphanAsync(Now.AddMinutes(59), CancellationToken.None));
        Assert.Equal(1, await system.Sweep.OrphanAsync(Now.AddMinutes(61), CancellationToken.None));
    }

    [Fact]
    public async Task Outcomes_without_an_id_are_the_same_outcome_when_they_name_the_same_prediction()
    {
        var predictionId = Guid.CreateVersion7();
        var first = Outcome.Received(OutcomeIds.ForPrediction(predictionId), predictionId, null, null, Now, 37, null, Now);

        var receipts = await _system.ReceiveAsync(first, first with { ObservedAt = Now.AddMinutes(1) });

        Assert.Equal(["pending", "duplicate"], receipts.Select(receipt => receipt.Status));
        Assert.NotEqual(OutcomeIds.ForPrediction(Guid.CreateVersion7()), first.OutcomeId);
        Assert.NotEqual(
            OutcomeIds.ForEntity("flight-delay", "UA123", Now),
            OutcomeIds.ForEntity("flight-delay", "UA123", Now.AddTicks(1)));
        Assert.Equal(OutcomeIds.ForEntity("flight-delay", "UA123", Now), OutcomeIds.ForEntity("flight-delay", "UA123", Now.ToOffset(TimeSpan.FromHours(-6))));
    }

    [Fact]
    public void An_outcome_id_that_is_a_UUID_is_the_event_id_and_any_other_maps_to_a_stable_UUID()
    {
        var uuid = Guid.CreateVersion7();

        Assert.Equal(uuid, OutcomeIds.EventIdOf(uuid.ToString()));
        Assert.Equal(OutcomeIds.EventIdOf("flight-UA123"), OutcomeIds.EventIdOf("flight-UA123"));
        Assert.NotEqual(OutcomeIds.EventIdOf("flight-UA123"), OutcomeIds.EventIdOf("flight-UA124"));
        // RFC 9562: version 8 (custom, here SHA-256 name-based) in the version nibble, variant 10.
        var derived = OutcomeIds.EventIdOf("flight-UA123").ToString();
        Assert.Equal('8', derived[14]);
        Assert.Contains(derived[19], "89ab");
    }

    [Fact]
    public async Task Predictions_of_other_entities_and_without_entity_keys_join_nothing()
    {
        await _system.ReceiveAsync(SampleOutcomes.ForEntity("UA123", observedAt: Now));

        await _system.ArriveAsync(SamplePredictions.Of("UA124", Now.AddHours(-1)), SamplePredictions.Of(null, Now.AddHours(-1)) with { Source = PredictionSources.Tensor });

        Assert.Empty(_system.Recorded);
    }

    [Fact]
    public async Task When_the_outcome_and_its_prediction_find_each_other_at_once_only_one_side_publishes()
    {
        // Both sides have looked the other up and are about to mark the outcome joined: the store holds each
        // writer at its mark until both are there, so both resolved the join before either marked it.
        var barrier = new MarkBarrier(writers: 2);
        await using var system = await JoiningFixture.StartAsync(Now, decorate: outcomes => new HeldOutcomes(outcomes, beforeMarkJoined: barrier.ArriveAsync));
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        await system.Store.AddManyAsync([outcome], CancellationToken.None);
        await system.Log.AddManyAsync([prediction], CancellationToken.None);

        // Deadlocked writers fail the test (TimeoutException) instead of hanging it; a busy machine has two minutes.
        await Task.WhenAll(
            Task.Run(() => system.ReceiveAsync(outcome)),
            Task.Run(() => system.Joiner.JoinArrivedAsync([prediction], CancellationToken.None))).WaitAsync(TimeSpan.FromMinutes(2));

        // Both came to the mark; a third arrival is a writer whose compare-and-set lost to the other's count of the
        // duplicate and that read the outcome again, still pending.
        Assert.InRange(barrier.Arrived, 2, 3);
        Assert.Single(system.Recorded);
        Assert.True((await system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.Published);
    }

    [Fact]
    public async Task An_outcome_joined_by_a_writer_that_stopped_before_publishing_is_published_by_the_sweep_once()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        await _system.Log.AddManyAsync([prediction], CancellationToken.None);
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        // What a writer stopped between its mark and its publish leaves behind.
        await _system.Store.AddManyAsync([outcome], CancellationToken.None);
        await _system.Store.UpdateAsync(outcome.OutcomeId, stored => stored.JoinedTo(new JoinedOutcome(outcome.OutcomeId, "flight-delay", [new OutcomeJoin(prediction.PredictionId, "1")], Now)), CancellationToken.None);

        Assert.Equal(0, await _system.Sweep.RepublishAsync(Now.AddSeconds(30), CancellationToken.None));
        Assert.Equal(1, await _system.Sweep.RepublishAsync(Now.AddMinutes(2), CancellationToken.None));
        Assert.Equal(0, await _system.Sweep.RepublishAsync(Now.AddMinutes(20), CancellationToken.None));

        var recorded = Assert.Single(_system.Recorded);
        Assert.Equal((outcome.EventId, prediction.PredictionId, Now), (recorded.OutcomeId, recorded.PredictionId, recorded.RecordedAt));
        Assert.Equal(prediction.Features, recorded.Features);
        Assert.True((await _system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.Published);
    }

    [Fact]
    public async Task An_outcome_sent_again_after_a_failed_publish_is_published_at_once()
    {
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        await _system.Log.AddManyAsync([prediction], CancellationToken.None);
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        await _system.Store.AddManyAsync([outcome], CancellationToken.None);
        await _system.Store.UpdateAsync(outcome.OutcomeId, stored => stored.JoinedTo(new JoinedOutcome(outcome.OutcomeId, "flight-delay", [new OutcomeJoin(prediction.PredictionId, "1")], Now)), CancellationToken.None);

        // Until RepublishAfter has passed since the join, its writer may still be publishing: a repeat leaves it.
        _system.Clock.Advance(OutcomeJoiner.RepublishAfter);
        Assert.Equal("duplicate", Assert.Single(await _system.ReceiveAsync(outcome)).Status);
        Assert.Empty(_system.Recorded);

        // After that, the writer failed: the next repeat publishes at once (not at the next sweep), and only once.
        _system.Clock.Advance(TimeSpan.FromTicks(1));
        var receipt = Assert.Single(await _system.ReceiveAsync(outcome));
        await _system.ReceiveAsync(outcome);

        Assert.Equal("duplicate", receipt.Status);
        Assert.Equal(prediction.PredictionId, Assert.Single(_system.Recorded).PredictionId);
    }

    [Fact]
    public async Task An_outcome_sent_again_while_the_predictions_side_publishes_its_join_is_not_published_twice()
    {
        // The first copy comes back pending. Its prediction arrives: the predictions side marks the outcome joined
        // and publishes its event, and the store holds that writer before it records the event as published. The
        // same outcome is sent again meanwhile and finds it joined and unpublished, as a failed publish leaves it;
        // but its writer is alive and its event is out.
        var gate = new FirstWriterGate();
        await using var system = await JoiningFixture.StartAsync(Now, decorate: outcomes => new HeldOutcomes(outcomes, beforeMarkPublished: gate.ArriveAsync));
        var prediction = SamplePredictions.Of("UA123", Now.AddHours(-3));
        var outcome = SampleOutcomes.ForPrediction(prediction.PredictionId, receivedAt: Now);
        Assert.Equal("pending", Assert.Single(await system.ReceiveAsync(outcome)).Status);

        var arrival = Task.Run(() => system.ArriveAsync(prediction));
        await gate.Held.WaitAsync(TimeSpan.FromMinutes(2));
        var again = Assert.Single(await system.ReceiveAsync(outcome).WaitAsync(TimeSpan.FromMinutes(2)));
        gate.Release();
        await arrival.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal("duplicate", again.Status);
        Assert.Equal([prediction.PredictionId], again.PredictionIds);
        Assert.Equal(prediction.PredictionId, Assert.Single(system.Recorded).PredictionId);
        Assert.True((await system.Store.FindAsync(outcome.OutcomeId, CancellationToken.None))!.Published);
    }

    /// <summary>Lets writers past their mark (<see cref="OutcomeStore.UpdateAsync"/> with <see cref="Outcome.JoinedTo"/>) only once <c>writers</c> of them are there.</summary>
    private sealed class MarkBarrier(int writers)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public int Arrived => Volatile.Read(ref _arrived);

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) >= writers)
                _all.TrySetResult();
            return _all.Task;
        }
    }

    /// <summary>Holds the first writer that arrives until <see cref="Release"/>; lets every later one through.</summary>
    private sealed class FirstWriterGate
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        /// <summary>Completes when the first writer is held.</summary>
        public Task Held => _held.Task;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) > 1)
                return Task.CompletedTask;
            _held.TrySetResult();
            return _released.Task;
        }

        public void Release() => _released.TrySetResult();
    }

    /// <summary>The outcomes, holding each writer at the given point: before it writes an outcome joined, or its events published.</summary>
    private sealed class HeldOutcomes(IDocuments<Outcome> inner, Func<Task>? beforeMarkJoined = null, Func<Task>? beforeMarkPublished = null)
        : ForwardingDocuments<Outcome>(inner)
    {
        public override async Task<bool> ReplaceAsync(Outcome document, long revision, CancellationToken cancellationToken)
        {
            var stored = (await this.GetAsync(document.OutcomeId, cancellationToken))?.Document;
            if (beforeMarkJoined is not null && document.State == OutcomeState.Joined && stored?.State == OutcomeState.Pending)
                await beforeMarkJoined();
            if (beforeMarkPublished is not null && document.Published && stored?.Published == false)
                await beforeMarkPublished();
            return await base.ReplaceAsync(document, revision, cancellationToken);
        }
    }
}
