using Monitor.References;
using Monitor.Windows;

namespace Monitor.Tests.Windows;

/// <summary>Live values go into the same bins and categories the training reference was built with.</summary>
public sealed class ReferenceProfileTests
{
    [Fact]
    public void The_training_rows_replayed_as_traffic_show_no_drift()
    {
        var rows = MonitorTestData.Rows(seed: 1, count: 20_000, shift: false);
        var profile = ReferenceProfile.From(MonitorTestData.Card(rows));
        var live = profile.NewPredictionAggregate();
        foreach (var (features, probability) in rows)
            profile.AddPrediction(live, features, new PredictionOutput(null, probability, null), DateTimeOffset.UnixEpoch, 1);

        foreach (var (column, index) in profile.Columns.Select((column, index) => (column, index)))
        {
            var report = ColumnDriftReport.Of(column, live.Columns[index]);
            Assert.True(report.Psi < 1e-6, $"{column.Column}: PSI {report.Psi} for the training data itself");
        }

        Assert.Equal(["origin", "distance", ReferenceProfile.PredictionColumn], profile.Columns.Select(column => column.Column));
    }

    [Fact]
    public void A_shifted_sample_drifts_and_an_unseen_category_is_counted_as_other()
    {
        var profile = ReferenceProfile.From(MonitorTestData.Card(MonitorTestData.Rows(seed: 2, count: 20_000, shift: false)));
        var live = profile.NewPredictionAggregate();
        foreach (var (features, probability) in MonitorTestData.Rows(seed: 3, count: 5000, shift: true))
            profile.AddPrediction(live, features, new PredictionOutput(null, probability, null), DateTimeOffset.UnixEpoch, 1);

        var origin = ColumnDriftReport.Of(profile.Columns[0], live.Columns[0]);
        var distance = ColumnDriftReport.Of(profile.Columns[1], live.Columns[1]);

        Assert.True(origin.Psi > 0.2, $"origin PSI {origin.Psi}");
        Assert.True(distance.Psi > 0.2, $"distance PSI {distance.Psi}");
        Assert.True(distance.KsPValue < 0.001);
        // Index 3 is the vocabulary's unknown bucket: the reference never saw it, so it lands in <other>.
        Assert.Equal(ProfileColumn.Other, profile.Columns[0].Categories[^1]);
        Assert.True(live.Columns[0][^1] > 0);
    }

    [Fact]
    public void Outcomes_are_broken_down_by_segment_with_the_category_names()
    {
        var profile = ReferenceProfile.From(MonitorTestData.Card(MonitorTestData.Rows(seed: 4, count: 1000, shift: false)));
        var outcomes = new OutcomeAggregate();
        profile.AddOutcome(outcomes, [0f, 500f], Binary(0.9f, positive: true), DateTimeOffset.UnixEpoch);
        profile.AddOutcome(outcomes, [2f, 500f], Binary(0.9f, positive: false), DateTimeOffset.UnixEpoch);

        Assert.Equal(1, outcomes.Segments["origin=ORD"].Correct);
        Assert.Equal(0, outcomes.Segments["origin=ATL"].Correct);
    }

    [Theory]
    [InlineData(37.0, null, true)]
    [InlineData(15.0, null, false)]
    [InlineData(null, "late", true)]
    [InlineData(null, "ON-TIME", false)]
    [InlineData(null, "maybe", null)]
    public void Outcome_values_and_labels_become_the_card_s_label(double? value, string? label, bool? positive)
    {
        var profile = ReferenceProfile.From(MonitorTestData.Card(MonitorTestData.Rows(seed: 5, count: 100, shift: false)));

        Assert.Equal(positive, profile.IsPositive(value, label));
    }

    private static ObservedOutcome Binary(float probability, bool positive) => new(new PredictionOutput(null, probability, null), -1, null, positive ? 1 : 0);
}
