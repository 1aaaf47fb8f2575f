using Monitor.Alerts;
using Monitor.Windows;
using Monitor.Tests.Storage;

namespace Monitor.Tests.Upgrades;

/// <summary>
/// What SqliteMonitoringStore (the store before the document store) wrote into <c>monitor-before-documents.db</c>: every variant (names with
/// <c>/</c> and <c>%</c>, every alert kind and rule state, missing times and values, sub-millisecond ticks, times
/// before 1970, JSON a rewrite would change), as it must read back after the upgrade.
/// </summary>
internal static class BeforeDocuments
{
    private static readonly DateTimeOffset T = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
    private static readonly DateTimeOffset Early = new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);

    public static readonly MonitoringBucket[] Buckets =
    [
        new("flight-delay", "1", T, T.AddMinutes(1), 5_000_000_000, 4_999_999_999, SampleMonitoring.AwkwardJson),
        new("flight-delay", "1", T.AddMinutes(1), T.AddMinutes(2).AddTicks(1), 0, 0, "{}"),
        new("flight-delay", "1", T.AddMinutes(7), T.AddMinutes(8), 3, 1, """{"minute":7}"""),
        new("flight-delay", "2", Early, Early.AddTicks(1), 1, 0, "[]"),
        new("odd/model%2F", "v/1%", T.AddDays(-400), T.AddDays(-400).AddMinutes(1), 12, 6, """{"text":"caf\u00e9 😀"}"""),
    ];

    public static readonly AlertRecord[] Alerts =
    [
        new(Guid.Parse("0192f0a1-0000-7000-8000-000000000001"), "drift", "flight-delay", "1", "input-drift", T, "origin drifted: PSI 0.31 ≥ 0.2 «ORD» \"quoted\"", SampleMonitoring.AwkwardJson),
        new(Guid.Parse("0192f0a1-0000-7000-8000-000000000002"), "performance", "flight-delay", "1", "auc-drop", T, "auc 0.61 crossed 0.7", """{"metric":"auc"}"""),
        new(Guid.Parse("ffffffff-0000-7000-8000-000000000003"), "stalled", "flight-delay", "2", "stalled", T.AddTicks(1), "no predictions for 5 min", """{"silentFor":"00:05:00"}"""),
        new(Guid.Parse("00000000-0000-7000-8000-000000000004"), "drift", "odd/model%2F", "v/1%", "rule / with % signs", Early, "old", "{}"),
    ];

    public static readonly AlertRuleState[] RuleStates =
    [
        new("input-drift", "drift", "flight-delay", "1", RuleStatus.Firing, 3, T.AddMinutes(-3), T.AddTicks(-1), 0.1 + 0.2, T.AddTicks(5)),
        new("auc-drop", "performance", "flight-delay", "1", RuleStatus.Pending, 1, T, null, 1e-300, T),
        new("stalled", "stalled", "flight-delay", "2", RuleStatus.Ok, 0, null, Early, null, Early),
        new("rule / with % signs", "drift", "odd/model%2F", "v/1%", RuleStatus.Ok, 0, null, null, -123456.789, T.AddDays(1)),
    ];
}
