using Monitor.Alerts;
using Monitor.Windows;

namespace Monitor.Tests.Storage;

/// <summary>Buckets, alerts and rule states for the store tests, with JSON that a careless store would change.</summary>
internal static class SampleMonitoring
{
    /// <summary>A bucket boundary with sub-millisecond ticks, which a BSON date alone would lose.</summary>
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddTicks(1234);

    /// <summary>The buckets' length in the tests.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(1);

    /// <summary>
    /// JSON as a serializer might write it, with what a parse-and-rewrite would change: key order, spacing, number
    /// forms (<c>1.0</c>, <c>1e-7</c>, <c>-0.0</c>, an integer past 2^64), escapes, non-ASCII text and a surrogate pair.
    /// </summary>
    public const string AwkwardJson = """
        {"z":1, "a":[1.0,1e-7,-0.0,123456789012345678901234567890],
          "text":"caf\u00e9 café 😀 \"quoted\" back\\slash\ttab", "nested":{"empty":{},"none":null}}
        """;

    public static MonitoringBucket Bucket(int minute, string model = "flight-delay", string version = "1", long predictions = 10, string? json = null) =>
        new(model, version, Start + minute * Duration, Start + (minute + 1) * Duration, predictions, predictions / 2, json ?? $$"""{"minute":{{minute}},"rows":{{predictions}}}""");

    public static AlertRecord Alert(
        int minute, string kind = "drift", string model = "flight-delay", string version = "1", Guid? id = null, string summary = "origin drifted") =>
        new(id ?? Guid.NewGuid(), kind, model, version, $"{kind}-rule", Start + minute * Duration, summary, $$"""{"kind":"{{kind}}","minute":{{minute}}}""");

    public static AlertRuleState RuleState(string rule = "input-drift", string model = "flight-delay", string version = "1", RuleStatus state = RuleStatus.Pending, int consecutive = 1) =>
        new(rule, "drift", model, version, state, consecutive, Start, Start.AddMinutes(-30), 0.25, Start.AddSeconds(5));
}
