using System.Text;
using Modeling.Cards;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests.Storage;

/// <summary>
/// What Monitor's stores (<see cref="BucketStore"/>, <see cref="AlertStore"/>, <see cref="RuleStateStore"/>) must do,
/// whatever the provider. Each provider's test class derives from it and says how to open Monitor's database on the
/// test's own (at first empty) data, and how to open it again as after a restart; xunit creates one instance per
/// test, so each test has its own data. The tests are skippable: a provider whose server is not there (MongoDB
/// without <c>MONGODB_URI</c>) skips them with the reason.
/// </summary>
public abstract class MonitorStoresContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = SampleMonitoring.Start;

    /// <summary>Monitor's database on this test's data (empty before the test adds to it).</summary>
    protected abstract IDocumentDatabase CreateDatabase();

    /// <summary>Closes <paramref name="database"/> and opens it again on the same data, as a restarted Monitor would.</summary>
    protected abstract IDocumentDatabase Reopen(IDocumentDatabase database);

    /// <summary>Monitor's three stores on this test's data.</summary>
    protected Stores CreateStore() => new(CreateDatabase());

    /// <summary>Monitor's stores on one database.</summary>
    protected sealed record Stores(IDocumentDatabase Database)
    {
        public BucketStore Buckets { get; } = new(Database);

        public AlertStore Alerts { get; } = new(Database);

        public RuleStateStore RuleStates { get; } = new(Database);
    }

    [SkippableFact]
    public async Task A_bucket_comes_back_with_every_field_and_its_json_byte_for_byte()
    {
        var store = CreateStore();
        var bucket = SampleMonitoring.Bucket(0, json: SampleMonitoring.AwkwardJson) with { Predictions = 5_000_000_000, Outcomes = 4_999_999_999 };

        await store.Buckets.SaveAsync(bucket, None);

        var listed = Assert.Single(await store.Buckets.ListAsync("flight-delay", "1", Start, Start.AddHours(1), None));
        Assert.Equal(bucket, listed);
        Assert.Equal(Encoding.UTF8.GetBytes(SampleMonitoring.AwkwardJson), Encoding.UTF8.GetBytes(listed.AggregateJson));
    }

    [SkippableFact]
    public async Task Times_keep_every_tick_and_come_back_in_utc()
    {
        var store = CreateStore();
        // Given in another offset, with ticks below the millisecond.
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(9_999);
        var bucket = new MonitoringBucket("flight-delay", "1", start, start.AddTicks(600_000_001), 1, 0, "{}");
        var alert = SampleMonitoring.Alert(0) with { DetectedAt = start.AddTicks(1) };
        var state = SampleMonitoring.RuleState() with { Since = start.AddTicks(2), LastFiredAt = start.AddTicks(3), UpdatedAt = start.AddTicks(4) };

        await store.Buckets.SaveAsync(bucket, None);
        await store.Alerts.AddAsync(alert, None);
        await store.RuleStates.SaveAsync(state, None);

        var listed = Assert.Single(await store.Buckets.ListAsync("flight-delay", "1", start, start.AddTicks(1), None));
        var version = Assert.Single(await store.Buckets.ListVersionsAsync(None));
        var alerted = Assert.Single(await store.Alerts.ListAsync(new AlertQuery(), None));
        var saved = Assert.Single(await store.RuleStates.ListAsync(None));
        AssertSameUtcInstant(start, listed.Start);
        AssertSameUtcInstant(start.AddTicks(600_000_001), listed.End);
        AssertSameUtcInstant(start, version.FirstBucketStart);
        AssertSameUtcInstant(start, version.LastBucketStart);
        AssertSameUtcInstant(start.AddTicks(1), alerted.DetectedAt);
        AssertSameUtcInstant(start.AddTicks(2), saved.Since!.Value);
        AssertSameUtcInstant(start.AddTicks(3), saved.LastFiredAt!.Value);
        AssertSameUtcInstant(start.AddTicks(4), saved.UpdatedAt);
    }

    [SkippableFact]
    public async Task Saving_a_bucket_again_replaces_it_and_leaves_the_others_alone()
    {
        var store = CreateStore();
        var first = SampleMonitoring.Bucket(0);
        var neighbour = SampleMonitoring.Bucket(1);
        var otherVersion = SampleMonitoring.Bucket(0, version: "2");
        await store.Buckets.SaveAsync(first, None);
        await store.Buckets.SaveAsync(neighbour, None);
        await store.Buckets.SaveAsync(otherVersion, None);

        // Late events: the same bucket saved again with more rows and a new aggregate.
        var later = first with { End = first.End.AddTicks(1), Predictions = 12, Outcomes = 7, AggregateJson = """{"minute":0,"rows":12,"late":true}""" };
        await store.Buckets.SaveAsync(later, None);

        Assert.Equal([later, neighbour], await store.Buckets.ListAsync("flight-delay", "1", Start, Start.AddHours(1), None));
        Assert.Equal([otherVersion], await store.Buckets.ListAsync("flight-delay", "2", Start, Start.AddHours(1), None));
    }

    [SkippableFact]
    public async Task Buckets_are_listed_ascending_by_start_from_the_first_start_up_to_but_not_including_the_end()
    {
        var store = CreateStore();
        var buckets = Enumerable.Range(0, 6).Select(minute => SampleMonitoring.Bucket(minute)).ToArray();
        // Saved out of order, with buckets of another version and another model at the same times.
        foreach (var bucket in buckets.Reverse().Concat([SampleMonitoring.Bucket(2, version: "2"), SampleMonitoring.Bucket(2, model: "other-model")]))
            await store.Buckets.SaveAsync(bucket, None);

        Assert.Equal(buckets[1..4], await store.Buckets.ListAsync("flight-delay", "1", buckets[1].Start, buckets[4].Start, None));
        // Tick-exact bounds: one tick later leaves the first out, one tick later takes the last in.
        Assert.Equal(buckets[2..5], await store.Buckets.ListAsync("flight-delay", "1", buckets[1].Start.AddTicks(1), buckets[4].Start.AddTicks(1), None));
        Assert.Equal(buckets, await store.Buckets.ListAsync("flight-delay", "1", DateTimeOffset.MinValue.ToUniversalTime(), Start.AddDays(1), None));
        Assert.Empty(await store.Buckets.ListAsync("flight-delay", "1", buckets[3].Start, buckets[3].Start, None));
        Assert.Empty(await store.Buckets.ListAsync("flight-delay", "1", buckets[5].End, Start.AddDays(1), None));
        Assert.Empty(await store.Buckets.ListAsync("flight-delay", "9", Start, Start.AddDays(1), None));
        Assert.Empty(await store.Buckets.ListAsync("nobody", "1", Start, Start.AddDays(1), None));
    }

    [SkippableFact]
    public async Task Every_version_with_buckets_is_listed_once_with_its_first_and_last_start_in_name_order()
    {
        var store = CreateStore();
        Assert.Empty(await store.Buckets.ListVersionsAsync(None));
        foreach (var bucket in new[]
        {
            SampleMonitoring.Bucket(7, version: "2"), SampleMonitoring.Bucket(3), SampleMonitoring.Bucket(9), SampleMonitoring.Bucket(5),
            SampleMonitoring.Bucket(4, version: "2"), SampleMonitoring.Bucket(1, model: "alpha-model", version: "10"),
        })
        {
            await store.Buckets.SaveAsync(bucket, None);
        }

        var versions = await store.Buckets.ListVersionsAsync(None);

        Assert.Equal(
            [
                new MonitoredVersion("alpha-model", "10", Start + SampleMonitoring.Duration, Start + SampleMonitoring.Duration),
                new MonitoredVersion("flight-delay", "1", Start + 3 * SampleMonitoring.Duration, Start + 9 * SampleMonitoring.Duration),
                new MonitoredVersion("flight-delay", "2", Start + 4 * SampleMonitoring.Duration, Start + 7 * SampleMonitoring.Duration),
            ],
            versions);
    }

    [SkippableFact]
    public async Task Buckets_that_ended_before_the_cutoff_are_deleted_and_counted()
    {
        var store = CreateStore();
        var buckets = Enumerable.Range(0, 5).Select(minute => SampleMonitoring.Bucket(minute)).ToArray();
        var oldOfOtherVersion = SampleMonitoring.Bucket(0, version: "2");
        foreach (var bucket in buckets.Append(oldOfOtherVersion))
            await store.Buckets.SaveAsync(bucket, None);

        // Bucket 0 (of both versions) ended before the end of bucket 1; bucket 1 ends exactly then and stays.
        Assert.Equal(2, await store.Buckets.DeleteEndedBeforeAsync(buckets[1].End, None));
        Assert.Equal(buckets[1..], await store.Buckets.ListAsync("flight-delay", "1", Start, Start.AddDays(1), None));
        // A version whose buckets are all gone is no longer listed.
        Assert.Equal([new MonitoredVersion("flight-delay", "1", buckets[1].Start, buckets[4].Start)], await store.Buckets.ListVersionsAsync(None));

        // One tick later, bucket 1 has ended before the cutoff too; nothing is left to delete twice.
        Assert.Equal(1, await store.Buckets.DeleteEndedBeforeAsync(buckets[1].End.AddTicks(1), None));
        Assert.Equal(0, await store.Buckets.DeleteEndedBeforeAsync(buckets[1].End.AddTicks(1), None));
        Assert.Equal(buckets[2..], await store.Buckets.ListAsync("flight-delay", "1", Start, Start.AddDays(1), None));
    }

    [SkippableFact]
    public async Task An_alert_comes_back_with_every_field_and_its_details_byte_for_byte()
    {
        var store = CreateStore();
        var alert = SampleMonitoring.Alert(0) with { Summary = "origin drifted: PSI 0.31 ≥ 0.2 «ORD»", DetailsJson = SampleMonitoring.AwkwardJson };

        Assert.True(await store.Alerts.AddAsync(alert, None));

        var listed = Assert.Single(await store.Alerts.ListAsync(new AlertQuery(), None));
        Assert.Equal(alert, listed);
        Assert.Equal(Encoding.UTF8.GetBytes(SampleMonitoring.AwkwardJson), Encoding.UTF8.GetBytes(listed.DetailsJson));
    }

    [SkippableFact]
    public async Task An_alert_added_again_is_stored_once_as_first_received()
    {
        var store = CreateStore();
        var alert = SampleMonitoring.Alert(0);

        Assert.True(await store.Alerts.AddAsync(alert, None));
        Assert.False(await store.Alerts.AddAsync(alert with { Summary = "a second copy", DetectedAt = alert.DetectedAt.AddMinutes(1) }, None));

        Assert.Equal([alert], await store.Alerts.ListAsync(new AlertQuery(), None));
    }

    [SkippableFact]
    public async Task Alerts_are_listed_newest_first_and_equal_times_by_descending_id()
    {
        var store = CreateStore();
        var sameTime = Enumerable.Range(0, 3).Select(_ => SampleMonitoring.Alert(5)).ToArray();
        var older = SampleMonitoring.Alert(1);
        var newest = SampleMonitoring.Alert(9);
        foreach (var alert in new[] { sameTime[0], older, newest, sameTime[1], sameTime[2] })
            await store.Alerts.AddAsync(alert, None);

        var listed = await store.Alerts.ListAsync(new AlertQuery(), None);

        var expected = new[] { newest }
            .Concat(sameTime.OrderByDescending(alert => alert.AlertId.ToString(), StringComparer.Ordinal))
            .Append(older);
        Assert.Equal(expected, listed);
    }

    [SkippableFact]
    public async Task Every_combination_of_alert_filters_lists_exactly_the_matching_alerts_newest_first()
    {
        var store = CreateStore();
        var alerts = new List<AlertRecord>();
        var minute = 0;
        foreach (var model in new[] { "flight-delay", "other-model" })
        {
            foreach (var version in new[] { "1", "2" })
            {
                foreach (var kind in new[] { "drift", "performance", "stalled" })
                {
                    // Minutes interleave the groups, so every filter's answer mixes times of several groups.
                    alerts.Add(SampleMonitoring.Alert(minute++ * 7 % 24, kind, model, version));
                    alerts.Add(SampleMonitoring.Alert(minute++ * 7 % 24, kind, model, version));
                }
            }
        }

        foreach (var alert in alerts)
            Assert.True(await store.Alerts.AddAsync(alert, None));

        var since = Start + 12 * SampleMonitoring.Duration;
        foreach (var query in
            from model in new[] { null, "flight-delay", "other-model", "nobody" }
            from version in new[] { null, "2" }
            from kind in new[] { null, "performance" }
            from after in new DateTimeOffset?[] { null, since }
            select new AlertQuery(model, version, kind, after))
        {
            var expected = alerts
                .Where(alert => (query.ModelName is null || alert.ModelName == query.ModelName)
                    && (query.ModelVersion is null || alert.ModelVersion == query.ModelVersion)
                    && (query.Kind is null || alert.Kind == query.Kind)
                    && (query.Since is null || alert.DetectedAt >= query.Since))
                .OrderByDescending(alert => alert.DetectedAt)
                .ThenByDescending(alert => alert.AlertId.ToString(), StringComparer.Ordinal)
                .ToList();

            Assert.Equal(expected, await store.Alerts.ListAsync(query, None));
            Assert.Equal(expected.Take(2), await store.Alerts.ListAsync(query with { Limit = 2 }, None));
        }
    }

    [SkippableFact]
    public async Task Since_includes_an_alert_detected_exactly_then()
    {
        var store = CreateStore();
        var before = SampleMonitoring.Alert(0) with { DetectedAt = Start.AddTicks(-1) };
        var exactly = SampleMonitoring.Alert(0) with { DetectedAt = Start };
        await store.Alerts.AddAsync(before, None);
        await store.Alerts.AddAsync(exactly, None);

        Assert.Equal([exactly], await store.Alerts.ListAsync(new AlertQuery(Since: Start), None));
    }

    [SkippableFact]
    public async Task The_limit_keeps_the_newest_alerts_and_must_be_positive()
    {
        var store = CreateStore();
        var alerts = Enumerable.Range(0, 5).Select(minute => SampleMonitoring.Alert(minute)).ToArray();
        foreach (var alert in alerts)
            await store.Alerts.AddAsync(alert, None);

        Assert.Equal([alerts[4], alerts[3]], await store.Alerts.ListAsync(new AlertQuery(Limit: 2), None));
        Assert.Equal(alerts.Reverse(), await store.Alerts.ListAsync(new AlertQuery(Limit: 100), None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Alerts.ListAsync(new AlertQuery(Limit: 0), None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Alerts.ListAsync(new AlertQuery(Limit: -1), None));
    }

    [SkippableFact]
    public async Task Saving_a_rule_state_again_replaces_it_for_that_rule_and_version_only()
    {
        var store = CreateStore();
        var pending = SampleMonitoring.RuleState();
        var otherVersion = SampleMonitoring.RuleState(version: "2");
        var otherRule = SampleMonitoring.RuleState(rule: "prediction-drift");
        var otherModel = SampleMonitoring.RuleState(model: "alpha-model");
        foreach (var state in new[] { pending, otherVersion, otherRule, otherModel })
            await store.RuleStates.SaveAsync(state, None);

        var firing = pending with { State = RuleStatus.Firing, Consecutive = 2, LastFiredAt = Start.AddMinutes(2), LastValue = 0.4, UpdatedAt = Start.AddMinutes(2) };
        await store.RuleStates.SaveAsync(firing, None);

        // Ordered by model, version, rule.
        Assert.Equal([otherModel, firing, otherRule, otherVersion], await store.RuleStates.ListAsync(None));
    }

    [SkippableFact]
    public async Task A_rule_state_without_times_or_value_comes_back_without_them()
    {
        var store = CreateStore();
        var ok = new AlertRuleState("input-drift", "drift", "flight-delay", "1", RuleStatus.Ok, 0, null, null, null, Start);
        var notFinite = SampleMonitoring.RuleState(rule: "stalled") with { Kind = "stalled", LastValue = double.NaN };
        var infinite = SampleMonitoring.RuleState(rule: "auc-drop") with { Kind = "performance", LastValue = double.PositiveInfinity };
        await store.RuleStates.SaveAsync(ok, None);
        await store.RuleStates.SaveAsync(notFinite, None);
        await store.RuleStates.SaveAsync(infinite, None);

        Assert.Equal(
            [infinite with { LastValue = null }, ok, notFinite with { LastValue = null }],
            await store.RuleStates.ListAsync(None));
    }

    [SkippableFact]
    public async Task Buckets_alerts_and_rule_states_are_still_there_after_the_store_is_reopened()
    {
        var store = CreateStore();
        var bucket = SampleMonitoring.Bucket(0, json: SampleMonitoring.AwkwardJson);
        var alert = SampleMonitoring.Alert(0);
        var state = SampleMonitoring.RuleState(state: RuleStatus.Firing, consecutive: 3);
        await store.Buckets.SaveAsync(bucket, None);
        await store.Alerts.AddAsync(alert, None);
        await store.RuleStates.SaveAsync(state, None);

        var reopened = new Stores(Reopen(store.Database));

        Assert.Equal([bucket], await reopened.Buckets.ListAsync("flight-delay", "1", Start, Start.AddDays(1), None));
        Assert.Equal([new MonitoredVersion("flight-delay", "1", bucket.Start, bucket.Start)], await reopened.Buckets.ListVersionsAsync(None));
        Assert.Equal([alert], await reopened.Alerts.ListAsync(new AlertQuery(), None));
        Assert.Equal([state], await reopened.RuleStates.ListAsync(None));
        // The reopened store still knows the alert and the keys: nothing is stored twice.
        Assert.False(await reopened.Alerts.AddAsync(alert, None));
        var next = state with { State = RuleStatus.Ok, Consecutive = 0, Since = null, UpdatedAt = Start.AddHours(1) };
        await reopened.RuleStates.SaveAsync(next, None);
        Assert.Equal([next], await reopened.RuleStates.ListAsync(None));
    }

    [SkippableFact]
    public async Task Concurrent_writers_lose_nothing_and_store_nothing_twice()
    {
        const int Writers = 6;
        const int BucketsPerWriter = 40;
        var store = CreateStore();
        var buckets = Enumerable.Range(0, Writers)
            .Select(writer => Enumerable.Range(0, BucketsPerWriter).Select(minute => SampleMonitoring.Bucket(minute, version: $"v{writer}")).ToArray())
            .ToArray();
        var alerts = Enumerable.Range(0, Writers * 10).Select(minute => SampleMonitoring.Alert(minute)).ToArray();
        var states = Enumerable.Range(0, Writers).Select(writer => SampleMonitoring.RuleState(version: $"v{writer}")).ToArray();

        // Every bucket, alert and rule state is written by two writers racing each other.
        var added = await Task.WhenAll(Enumerable.Range(0, 2 * Writers).Select(task => Task.Run(async () =>
        {
            var writer = task % Writers;
            var newAlerts = 0;
            foreach (var bucket in buckets[writer])
                await store.Buckets.SaveAsync(bucket, None);
            foreach (var alert in alerts.Skip(writer * 10).Take(10))
                newAlerts += await store.Alerts.AddAsync(alert, None) ? 1 : 0;
            await store.RuleStates.SaveAsync(states[writer], None);
            return newAlerts;
        })));

        Assert.Equal(alerts.Length, added.Sum());
        Assert.Equal(alerts.Length, (await store.Alerts.ListAsync(new AlertQuery(Limit: 1000), None)).Count);
        foreach (var writer in Enumerable.Range(0, Writers))
            Assert.Equal(buckets[writer], await store.Buckets.ListAsync("flight-delay", $"v{writer}", Start, Start.AddDays(1), None));
        Assert.Equal(Writers, (await store.Buckets.ListVersionsAsync(None)).Count);
        Assert.Equal(states, await store.RuleStates.ListAsync(None));
    }

    private static void AssertSameUtcInstant(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected.UtcTicks, actual.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.Offset);
    }
}
