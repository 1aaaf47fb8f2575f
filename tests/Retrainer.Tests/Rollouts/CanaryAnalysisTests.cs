using Retrainer.Rollouts;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// A canary step's verdict on the live model metric of the model's task: AUC for a binary model, accuracy for a
/// multiclass one (it has no AUC), RMSE for a regression (relative to the champion's, in the label's units).
/// </summary>
public sealed class CanaryAnalysisTests
{
    private static readonly RolloutOptions Options = new() { MinOutcomes = 100, MaxMetricDrop = 0.02 };

    [Fact]
    public void A_multiclass_challenger_is_judged_on_live_accuracy()
    {
        var champion = Classifier(outcomes: 200, correct: 150);

        var (passed, reason) = CanaryAnalysis.Judge(champion, Classifier(outcomes: 200, correct: 147), Options);
        var (failed, why) = CanaryAnalysis.Judge(champion, Classifier(outcomes: 200, correct: 140), Options);

        Assert.True(passed, reason);
        Assert.Contains("live accuracy 0.7350 vs 0.7500", reason, StringComparison.Ordinal);
        Assert.False(failed);
        Assert.Contains("live accuracy 0.7000 is more than 0.02 below the champion's 0.7500", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_challenger_fails_when_its_live_rmse_is_more_than_the_allowed_share_above_the_champions()
    {
        var champion = Regression(outcomes: 200, rmse: 10);

        var (passed, reason) = CanaryAnalysis.Judge(champion, Regression(outcomes: 200, rmse: 10.15), Options);
        var (failed, why) = CanaryAnalysis.Judge(champion, Regression(outcomes: 200, rmse: 10.5), Options);

        Assert.True(passed, reason);
        Assert.Contains("live RMSE 10.15 vs 10", reason, StringComparison.Ordinal);
        Assert.False(failed);
        Assert.Contains("live RMSE 10.5 is more than 2.0 % above the champion's 10", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_metrics_are_not_compared_before_both_versions_have_the_minimum_outcomes()
    {
        var (passed, reason) = CanaryAnalysis.Judge(Regression(outcomes: 200, rmse: 1), Regression(outcomes: 99, rmse: 50), Options);

        Assert.True(passed, reason);
        Assert.Contains("outcomes 99 vs 200", reason, StringComparison.Ordinal);
        Assert.False(CanaryAnalysis.ModelMetricsCompared(Regression(200, 1), Regression(99, 50), Options));
    }

    private static VersionLive Classifier(long outcomes, long correct) =>
        new(1000, 0, 0, 10, outcomes, correct, (double)correct / outcomes, null);

    private static VersionLive Regression(long outcomes, double rmse) =>
        new(1000, 0, 0, 10, outcomes, 0, null, null, rmse);
}
