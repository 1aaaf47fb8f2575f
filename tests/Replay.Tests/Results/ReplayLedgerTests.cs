using Modeling.Flights;
using Replay.Flights;
using Replay.Records;
using Replay.Results;

namespace Replay.Tests.Results;

public sealed class ReplayLedgerTests
{
    private static readonly DateTime January = new(2001, 1, 10, 8, 0, 0);
    private static readonly DateTimeOffset Started = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_baseline_AUC_and_the_answering_versions_are_counted_per_month_over_the_answered_flights()
    {
        var ledger = new ReplayLedger(new DateTime(2001, 1, 1), ReplayPeriod.Month, ReplayTarget.Of(FlightDelayCard.Card));
        // Four January flights, two late. The baseline ranks them perfectly; the live answers rank them backwards.
        var late = new[] { true, false, true, false };
        var baseline = new[] { 0.9f, 0.1f, 0.8f, 0.2f };
        var live = new[] { 0.1, 0.9, 0.2, 0.8 };
        for (var i = 0; i < late.Length; i++)
            ledger.RequestSent(i, Flight(January.AddHours(i), late[i], i).Record, January.AddHours(i), baseline[i]);
        // A fifth flight the platform never answers: it counts for neither AUC.
        ledger.RequestSent(4, Flight(January.AddHours(5), late: false, 4).Record, January.AddHours(5), 0.99f);
        for (var i = 0; i < late.Length; i++)
            ledger.Predicted(i, live[i], i < 3 ? "1" : "2", out _);

        var month = Assert.Single(ledger.Report("run", new ReplayOptions(), Started, TimeSpan.Zero, completed: true).Periods);

        Assert.Equal(0.0, month.Live.Auc);
        Assert.Equal(1.0, month.Baseline?.Auc);
        Assert.Equal(new Dictionary<string, long> { ["1"] = 3, ["2"] = 1 }, month.Versions);
    }

    [Fact]
    public void Without_a_baseline_its_AUC_is_empty_and_the_report_says_so()
    {
        var ledger = new ReplayLedger(new DateTime(2001, 1, 1), ReplayPeriod.Month, ReplayTarget.Of(FlightDelayCard.Card));
        ledger.RequestSent(0, Flight(January, late: true, 0).Record, January);
        ledger.RequestSent(1, Flight(January.AddHours(1), late: false, 1).Record, January.AddHours(1));
        ledger.Predicted(0, 0.7, "1", out _);
        ledger.Predicted(1, 0.2, "1", out _);

        var report = ledger.Report("run", new ReplayOptions(), Started, TimeSpan.Zero, completed: true);

        Assert.Null(Assert.Single(report.Periods).Baseline);
        Assert.Contains("| 2001-01 | 2 | 2 | 50.0% | 0.4500 | 1.0000 | – | 1: 100.0% | 0 |", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("No new version, no rollout.", report.ToMarkdown(), StringComparison.Ordinal);
    }

    private static ScheduledFlight Flight(DateTime departure, bool late, int row) =>
        new(new FlightRecord(departure, late ? 40 : 0, 700, "ATL", "BOS"), row);
}
