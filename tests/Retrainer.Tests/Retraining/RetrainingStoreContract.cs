using System.Text.Json;
using Retrainer.Retraining;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// What <see cref="LabelledRowStore"/> and <see cref="RetrainingJobStore"/> must do on either database. Each database's test class says
/// how to open the stores on the test's own (at first empty) data and how to open them again, as after a restart.
/// </summary>
public abstract class RetrainingStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2001, 2, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A row store on this test's data, whose clock is <paramref name="time"/>.</summary>
    protected abstract LabelledRowStore CreateRowStore(TimeProvider time);

    /// <summary>A job store on this test's data.</summary>
    protected abstract RetrainingJobStore CreateJobStore();

    [SkippableFact]
    public async Task A_row_is_kept_once_per_model_and_outcome_and_comes_back_whole()
    {
        var store = CreateRowStore(new ManualClock());
        var outcome = Guid.NewGuid();
        var row = Row("flight-delay", outcome, Start.AddMinutes(1), 37.5) with { ActualLabel = "late", ModelVersion = "2", ReportedBy = "platform-external" };

        Assert.Equal(1, await store.AddAsync([row], None));
        // The shadow's event for the same outcome, and a redelivery: nothing new.
        Assert.Equal(0, await store.AddAsync([row with { ModelVersion = "3" }, row], None));
        // The same outcome id of another model is another row.
        Assert.Equal(1, await store.AddAsync([row with { ModelName = "other" }], None));

        var found = Assert.Single(await NewestAsync(CreateRowStore(new ManualClock()), "flight-delay", null, Start.AddDays(1), 10));
        Assert.Equal(row, found);
        Assert.Single(await NewestAsync(store, "flight-delay", null, DateTimeOffset.MaxValue, int.MaxValue));
    }

    [SkippableFact]
    public async Task Rows_are_read_newest_first_within_a_window_of_observation_time()
    {
        var store = CreateRowStore(new ManualClock());
        var rows = Enumerable.Range(0, 10).Select(hour => Row("flight-delay", Guid.NewGuid(), Start.AddHours(hour), hour)).ToList();
        await store.AddAsync([.. rows.Where((_, index) => index % 2 == 0)], None);
        await store.AddAsync([.. rows.Where((_, index) => index % 2 == 1), Row("other", Guid.NewGuid(), Start.AddHours(20), 1)], None);

        Assert.Equal(Start.AddHours(9), await NewestObservedAtAsync(store, "flight-delay"));
        Assert.Null(await NewestObservedAtAsync(store, "unknown"));

        var window = await NewestAsync(store, "flight-delay", Start.AddHours(3), Start.AddHours(8), 100);
        Assert.Equal([7, 6, 5, 4, 3], window.Select(row => (int)row.ActualValue!.Value));
        var limited = await NewestAsync(store, "flight-delay", null, Start.AddHours(8), 2);
        Assert.Equal([7, 6], limited.Select(row => (int)row.ActualValue!.Value));
        var earlier = await NewestAsync(store, "flight-delay", null, Start.AddHours(3), 100);
        Assert.Equal([2, 1, 0], earlier.Select(row => (int)row.ActualValue!.Value));
        // Oldest first, as the training data export reads them.
        var exported = await store.ReadAsync("flight-delay", Start.AddHours(3), Start.AddHours(8), newestFirst: false, None).ToListAsync();
        Assert.Equal([3, 4, 5, 6, 7], exported.Select(row => (int)row.ActualValue!.Value));
    }

    [SkippableFact]
    public async Task Trimming_keeps_the_newest_rows_of_the_model_and_drops_rows_stored_before_the_retention()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var store = CreateRowStore(clock);
        await store.AddAsync([.. Enumerable.Range(0, 6).Select(hour => Row("flight-delay", Guid.NewGuid(), Start.AddHours(hour), hour))], None);
        await store.AddAsync([Row("other", Guid.NewGuid(), Start, 1)], None);

        var deleted = await store.TrimAsync("flight-delay", 4, clock.Now.AddDays(-1), None);

        Assert.Equal(2, deleted);
        var kept = await NewestAsync(store, "flight-delay", null, Start.AddDays(1), 100);
        Assert.Equal([5, 4, 3, 2], kept.Select(row => (int)row.ActualValue!.Value));

        // A day later, rows stored before then go, whatever their observation time; other models are untouched.
        clock.Now = clock.Now.AddDays(2);
        await store.AddAsync([Row("flight-delay", Guid.NewGuid(), Start.AddHours(-5), 99)], None);
        await store.TrimAsync("flight-delay", 100, clock.Now.AddDays(-1), None);
        Assert.Equal([99], (await NewestAsync(store, "flight-delay", null, Start.AddDays(1), 100)).Select(row => (int)row.ActualValue!.Value));
        Assert.Single(await NewestAsync(store, "other", null, DateTimeOffset.MaxValue, int.MaxValue));
    }

    [SkippableFact]
    public async Task A_saved_job_comes_back_whole_and_its_changes_replace_it()
    {
        var store = CreateJobStore();
        var job = Job("a", "flight-delay", Start) with
        {
            TriggerDetails = "drift alert",
            StartedAt = Start.AddSeconds(1),
            ChampionVersion = "1",
            Data = new RetrainingData(RetrainingPolicies.RecentPlusEarlier, Start.AddDays(-14), Start, 900, 200, 100,
                [new ReporterRows("broker:platform-external", 600, 150), new ReporterRows("key:0a1b2c3d4e5f", 200, 50), new ReporterRows(null, 100, 0)]),
        };
        await store.SaveAsync(job, None);
        var finished = job with
        {
            State = RetrainingJobState.Succeeded,
            FinishedAt = Start.AddSeconds(9),
            ChallengerVersion = "2",
            RolloutId = "r1",
            Evaluation = new RetrainingEvaluation("auc", new EvaluatedVersion("1", 0.61, 0.8, 0.45, 200), new EvaluatedVersion("2", null, 0.81, 0.44, 200),
                0.005, RetrainingDecisions.RolledOut, "numbers"),
        };
        await store.SaveAsync(finished, None);

        var found = await CreateJobStore().FindAsync("flight-delay", "a", None);
        Assert.NotNull(found);
        Assert.Equal(JsonSerializer.Serialize(finished), JsonSerializer.Serialize(found));
        Assert.Null(await store.FindAsync("other", "a", None));
        Assert.Empty(await store.RunningAsync(None));
    }

    [SkippableFact]
    public async Task Jobs_are_listed_newest_first_per_model_and_the_running_ones_are_found()
    {
        var store = CreateJobStore();
        await store.SaveAsync(Job("old", "flight-delay", Start) with { State = RetrainingJobState.Failed }, None);
        await store.SaveAsync(Job("new", "flight-delay", Start.AddHours(2)), None);
        await store.SaveAsync(Job("middle", "flight-delay", Start.AddHours(1)) with { State = RetrainingJobState.Skipped, SkippedBecause = "new" }, None);
        await store.SaveAsync(Job("elsewhere", "other", Start.AddHours(3)), None);

        Assert.Equal(["new", "middle", "old"], (await store.ListAsync("flight-delay", 10, None)).Select(job => job.JobId));
        Assert.Equal(["new", "middle"], (await store.ListAsync("flight-delay", 2, None)).Select(job => job.JobId));
        Assert.Equal(["new", "elsewhere"], (await store.RunningAsync(None)).Select(job => job.JobId));
    }

    private static LabelledRow Row(string model, Guid outcome, DateTimeOffset observedAt, double? delay) =>
        new(model, outcome, "1", observedAt, """{"date":"2001-02-03T07:45:00","distance":1744,"origin":"ORD","destination":"LAX"}""", delay, null);

    private static RetrainingJob Job(string id, string model, DateTimeOffset requestedAt) => new()
    {
        JobId = id,
        Model = model,
        Trigger = RetrainingTriggers.Manual,
        State = RetrainingJobState.Running,
        RequestedAt = requestedAt,
    };

    // The newest rows first, as retraining reads them, at most limit.
    private static async Task<List<LabelledRow>> NewestAsync(LabelledRowStore store, string model, DateTimeOffset? from, DateTimeOffset before, int limit) =>
        await store.ReadAsync(model, from ?? DateTimeOffset.MinValue, before, newestFirst: true, CancellationToken.None).Take(limit).ToListAsync();

    private static async Task<DateTimeOffset?> NewestObservedAtAsync(LabelledRowStore store, string model) =>
        (await NewestAsync(store, model, null, DateTimeOffset.MaxValue, 1)).FirstOrDefault()?.ObservedAt;
}
