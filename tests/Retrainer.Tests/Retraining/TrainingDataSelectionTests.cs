using Retrainer.Retraining;

namespace Retrainer.Tests.Retraining;

public sealed class TrainingDataSelectionTests
{
    private static readonly DateTimeOffset Newest = new(2001, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_recent_window_ends_at_the_newest_observation_and_its_newest_share_is_the_holdout()
    {
        var policy = new RetrainingOptions { RecentWindow = TimeSpan.FromDays(10), HoldoutShare = 0.2 }.For("flight-delay");
        // Ten rows a day apart, given newest first as the store returns them.
        var recent = Enumerable.Range(0, 10).Select(day => Row(Newest.AddDays(-day))).ToList();

        var selection = TrainingDataSelection.Select(recent, [], Newest, policy);

        Assert.Equal(Newest.AddDays(-10), selection.RecentFrom);
        Assert.Equal(Newest, selection.RecentTo);
        Assert.Equal([Newest.AddDays(-1), Newest], selection.Holdout.Select(row => row.ObservedAt));
        Assert.Equal(8, selection.Training.Count);
        Assert.True(selection.Training.Max(row => row.ObservedAt) < selection.Holdout.Min(row => row.ObservedAt), "every training row is older than the hold-out");
        Assert.Equal(10, selection.RecentRows);
        Assert.Equal(0, selection.EarlierRows);
    }

    [Fact]
    public void Recent_plus_earlier_trains_on_the_earlier_rows_too_and_recent_does_not()
    {
        var recent = Enumerable.Range(0, 5).Select(day => Row(Newest.AddDays(-day))).ToList();
        var earlier = Enumerable.Range(20, 3).Select(day => Row(Newest.AddDays(-day))).ToList();
        var options = new RetrainingOptions { RecentWindow = TimeSpan.FromDays(7), HoldoutShare = 0.4 };

        var plus = TrainingDataSelection.Select(recent, earlier, Newest, options.For("flight-delay") with { Policy = RetrainingPolicies.RecentPlusEarlier });
        var only = TrainingDataSelection.Select(recent, earlier, Newest, options.For("flight-delay"));

        Assert.Equal(3, plus.EarlierRows);
        Assert.Equal([Newest.AddDays(-22), Newest.AddDays(-21), Newest.AddDays(-20), Newest.AddDays(-4), Newest.AddDays(-3), Newest.AddDays(-2)],
            plus.Training.Select(row => row.ObservedAt));
        Assert.Equal([Newest.AddDays(-1), Newest], plus.Holdout.Select(row => row.ObservedAt));
        Assert.Equal(5, plus.RecentRows);
        Assert.Equal(0, only.EarlierRows);
        Assert.Equal(3, only.Training.Count);
        Assert.Equal(plus.Holdout, only.Holdout);
    }

    [Fact]
    public void The_rows_of_the_training_set_and_the_holdout_are_counted_per_source_the_unknown_source_last()
    {
        var policy = new RetrainingOptions { RecentWindow = TimeSpan.FromDays(30), HoldoutShare = 0.25 }.For("flight-delay") with { Policy = RetrainingPolicies.RecentPlusEarlier };
        // Eight recent rows, newest first: the two newest held out, one by the key and one by the broker user.
        string?[] sources = ["key:0a1b2c3d4e5f", "broker:platform-external", null, "broker:platform-external", "key:0a1b2c3d4e5f", "anonymous", "broker:platform-external", null];
        var recent = sources.Select((source, day) => Row(Newest.AddDays(-day)) with { ReportedBy = source }).ToList();
        var earlier = new[] { Row(Newest.AddDays(-40)) with { ReportedBy = "key:0a1b2c3d4e5f" } };

        var selection = TrainingDataSelection.Select(recent, earlier, Newest, policy);

        Assert.Equal(
            [
                new ReporterRows("anonymous", 1, 0),
                new ReporterRows("broker:platform-external", 2, 1),
                new ReporterRows("key:0a1b2c3d4e5f", 2, 1),
                new ReporterRows(null, 2, 0),
            ],
            selection.Reporters());
        Assert.Empty(TrainingDataSelection.Select([], [], Newest, policy).Reporters());
    }

    [Fact]
    public void A_model_setting_overrides_the_shared_one_and_the_rest_stay_shared()
    {
        var options = new RetrainingOptions
        {
            Margin = 0.01,
            Models = { ["flight-delay"] = new ModelRetrainingSettings { Policy = RetrainingPolicies.RecentPlusEarlier, Margin = 0.02 } },
        };

        Assert.Equal((RetrainingPolicies.RecentPlusEarlier, 0.02, TimeSpan.FromDays(14)), (options.For("flight-delay").Policy, options.For("flight-delay").Margin, options.For("flight-delay").RecentWindow));
        Assert.Equal((RetrainingPolicies.Recent, 0.01), (options.For("other").Policy, options.For("other").Margin));
        Assert.Empty(options.Errors());
        options.Models["bad"] = new ModelRetrainingSettings { Policy = "everything", HoldoutShare = 1 };
        Assert.Equal(2, options.Errors().Count(error => error.StartsWith("Retraining:Models:bad:", StringComparison.Ordinal)));
    }

    private static LabelledRow Row(DateTimeOffset observedAt) => new("flight-delay", Guid.NewGuid(), "1", observedAt, "{}", 1, null);
}
