using System.Globalization;
using Contracts.Rollouts;
using Retrainer.Retraining;
using Retrainer.Rollouts;

namespace Retrainer.Tests.Upgrades;

/// <summary>
/// What the fixture <c>retrainer-before-documents.db</c> holds, as written by the stores before the document store:
/// a rollout in every state and strategy, a retraining job in every state, labelled rows of two models stored in two
/// batches; times with sub-millisecond ticks, one with an offset, and every optional field both set and missing.
/// </summary>
public static class BeforeDocuments
{
    /// <summary>A time with ticks below the millisecond.</summary>
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    /// <summary>When the first batch of rows was stored.</summary>
    public static readonly DateTimeOffset FirstStoredAt = Start.AddDays(1).AddTicks(7);

    /// <summary>When the second batch of rows was stored.</summary>
    public static readonly DateTimeOffset SecondStoredAt = Start.AddDays(2).AddTicks(9_999_999);

    public static IReadOnlyList<Rollout> Rollouts() =>
    [
        new()
        {
            RolloutId = "r-running",
            ModelName = "flight-delay",
            Strategy = RolloutStrategies.Canary,
            State = RolloutState.Running,
            ChampionVersion = "1",
            ChallengerVersion = "2",
            Share = 0.25,
            Steps = [0.05, 0.25, 1],
            StepIndex = 1,
            StepStartedAt = Start.AddMinutes(5),
            StartedBy = "retraining:job-succeeded",
            StartedAt = Start,
            History = [new RolloutEvent(Start, "started", 0.05, "canary: version 2 in steps 5 % → 25 % → 100 %"), new RolloutEvent(Start.AddMinutes(5), "step", 0.25, "passed: error rate 0.000 vs 0.000")],
        },
        new()
        {
            RolloutId = "r-paused",
            ModelName = "churn",
            Strategy = RolloutStrategies.AB,
            State = RolloutState.Paused,
            ChampionVersion = "4",
            ChallengerVersion = "5",
            Share = 0.5,
            StepStartedAt = Start.ToOffset(TimeSpan.FromHours(2)),
            StartedBy = "manual",
            StartedAt = Start.ToOffset(TimeSpan.FromHours(2)),
            History = [new RolloutEvent(Start, "started", 0.5, "A/B"), new RolloutEvent(Start.AddHours(1), "paused", 0.5, "paused by hand: \"why\" ünïcode")],
        },
        new()
        {
            RolloutId = "r-promoted",
            ModelName = "flight-delay",
            Strategy = RolloutStrategies.SingleVersion,
            State = RolloutState.Promoted,
            ChampionVersion = "0",
            ChallengerVersion = "1",
            Share = 1,
            StepStartedAt = Start.AddDays(-2),
            StartedBy = "manual",
            StartedAt = Start.AddDays(-2),
            EndedAt = Start.AddDays(-2).AddTicks(1),
            History = [new RolloutEvent(Start.AddDays(-2), "promoted", 1, "single: version 1 replaced 0")],
        },
        new()
        {
            RolloutId = "r-rolled-back",
            ModelName = "flight-delay",
            Strategy = RolloutStrategies.Bandit,
            State = RolloutState.RolledBack,
            ChampionVersion = "1",
            ChallengerVersion = "3",
            Share = 0,
            StepStartedAt = Start.AddDays(-1),
            StartedBy = "manual",
            StartedAt = Start.AddDays(-1),
            EndedAt = Start.AddDays(-1).AddHours(3),
            Arms = [new BanditArm("1", 12.5, 3), new BanditArm("3", 2, 9)],
            History = [new RolloutEvent(Start.AddDays(-1), "started", 0, "bandit"), new RolloutEvent(Start.AddDays(-1).AddHours(3), "rolled-back", 0, "worse")],
        },
    ];

    public static IReadOnlyList<RetrainingJob> Jobs() =>
    [
        new()
        {
            JobId = "job-running",
            Model = "flight-delay",
            Trigger = RetrainingTriggers.Manual,
            State = RetrainingJobState.Running,
            RequestedAt = Start.AddHours(3),
        },
        new()
        {
            JobId = "job-succeeded",
            Model = "flight-delay",
            Trigger = RetrainingTriggers.Drift,
            TriggerDetails = "drift alert: PSI 0.31 on \"distance\"",
            State = RetrainingJobState.Succeeded,
            RequestedAt = Start.AddTicks(-3),
            StartedAt = Start.AddSeconds(1),
            FinishedAt = Start.AddSeconds(9).AddTicks(5),
            Data = new RetrainingData(RetrainingPolicies.RecentPlusEarlier, Start.AddDays(-14), Start, 900, 200, 100),
            ChampionVersion = "1",
            ChallengerVersion = "2",
            Evaluation = new RetrainingEvaluation("auc", new EvaluatedVersion("1", 0.61, 0.8, 0.45, 200), new EvaluatedVersion("2", null, 0.81, 0.44, 200),
                0.005, RetrainingDecisions.RolledOut, "numbers"),
            RolloutId = "r-running",
        },
        new()
        {
            JobId = "job-failed",
            Model = "flight-delay",
            Trigger = RetrainingTriggers.Schedule,
            State = RetrainingJobState.Failed,
            RequestedAt = Start.AddHours(1),
            StartedAt = Start.AddHours(1),
            FinishedAt = Start.AddHours(2),
            Error = "too few rows: 12 < 200",
        },
        new()
        {
            JobId = "job-skipped",
            Model = "churn",
            Trigger = RetrainingTriggers.Performance,
            State = RetrainingJobState.Skipped,
            SkippedBecause = "job-other",
            RequestedAt = Start.AddHours(2),
            FinishedAt = Start.AddHours(2),
        },
    ];

    /// <summary>The rows stored at <see cref="FirstStoredAt"/>.</summary>
    public static IReadOnlyList<LabelledRow> FirstRows() =>
    [
        Row("flight-delay", 1, Start.AddHours(-3), 37.5, null),
        Row("flight-delay", 2, Start.AddHours(-2), null, "late"),
        Row("flight-delay", 3, Start.AddHours(-2), 0.30000000000000004, "on-time"),
        Row("churn", 1, Start.AddHours(-1), 1, null),
    ];

    /// <summary>The rows stored at <see cref="SecondStoredAt"/>.</summary>
    public static IReadOnlyList<LabelledRow> SecondRows() =>
    [
        Row("flight-delay", 4, Start.AddHours(-2), -12, null),
        Row("flight-delay", 5, Start.AddTicks(1), 1e-7, null),
    ];

    private static LabelledRow Row(string model, int outcome, DateTimeOffset observedAt, double? value, string? label) => new(
        model,
        Guid.Parse($"0000000{outcome}-aaaa-4bbb-8ccc-{outcome:x12}", CultureInfo.InvariantCulture),
        outcome % 2 == 0 ? "2" : "1",
        observedAt,
        $$"""{"date":"2026-12-07T0{{outcome}}:45:00","distance":{{outcome * 100}},"origin":"ORD","destination":"LAX","note":"ünï \"q\" \\ {{outcome}}"}""",
        value,
        label);
}
