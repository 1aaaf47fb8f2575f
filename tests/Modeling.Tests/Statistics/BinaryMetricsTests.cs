using Modeling.Statistics;

namespace Modeling.Tests.Statistics;

public sealed class BinaryMetricsTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Auc_is_one_when_every_positive_scores_above_every_negative()
    {
        Assert.Equal(1.0, BinaryMetrics.Auc([0.1f, 0.2f, 0.7f, 0.9f], [false, false, true, true]));
    }

    [Fact]
    public void Auc_is_zero_when_every_positive_scores_below_every_negative()
    {
        Assert.Equal(0.0, BinaryMetrics.Auc([0.1f, 0.2f, 0.7f, 0.9f], [true, true, false, false]));
    }

    [Fact]
    public void Auc_is_one_half_when_every_score_is_tied()
    {
        Assert.Equal(0.5, BinaryMetrics.Auc([0.3f, 0.3f, 0.3f, 0.3f, 0.3f], [true, false, true, false, false]));
    }

    [Fact]
    public void Auc_is_the_share_of_correctly_ordered_pairs()
    {
        // Pairs (positive, negative): 0.35 > 0.1, 0.35 < 0.4, 0.8 > 0.1, 0.8 > 0.4 → 3 of 4.
        Assert.Equal(0.75, BinaryMetrics.Auc([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]), Tolerance);
    }

    [Fact]
    public void Auc_counts_a_tied_pair_as_one_half()
    {
        // Positives 0.5 and 0.9, negatives 0.2, 0.5, 0.3: 0.5 wins 2 pairs and ties 1, 0.9 wins 3 → 5.5 of 6.
        Assert.Equal(5.5 / 6, BinaryMetrics.Auc([0.2f, 0.5f, 0.5f, 0.9f, 0.3f], [false, true, false, true, false]), Tolerance);
    }

    [Fact]
    public void Auc_does_not_depend_on_row_order()
    {
        Assert.Equal(
            BinaryMetrics.Auc([0.2f, 0.5f, 0.5f, 0.9f, 0.3f], [false, true, false, true, false]),
            BinaryMetrics.Auc([0.9f, 0.3f, 0.5f, 0.2f, 0.5f], [true, false, false, false, true]),
            Tolerance);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Auc_is_not_a_number_when_one_class_is_absent(bool label)
    {
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.2f, 0.8f], [label, label])));
    }

    [Fact]
    public void Log_loss_is_the_mean_negative_natural_log_of_the_true_label_probability()
    {
        var metrics = BinaryMetrics.Compute([0.9f, 0.2f], [true, false]);

        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8)) / 2, metrics.LogLoss, Tolerance);
    }

    [Fact]
    public void Log_loss_of_a_certain_wrong_prediction_is_large_but_finite()
    {
        var metrics = BinaryMetrics.Compute([0f, 1f], [true, false]);

        // Probabilities are clipped to [1e-15, 1 − 1e-15].
        Assert.Equal(-Math.Log(1e-15), metrics.LogLoss, 0.01);
    }

    [Fact]
    public void Brier_is_the_mean_squared_difference_between_probability_and_label()
    {
        // (1 − 0.9)² and (0.2 − 0)², averaged.
        Assert.Equal(0.025, BinaryMetrics.Compute([0.9f, 0.2f], [true, false]).Brier, Tolerance);
    }

    [Fact]
    public void Accuracy_counts_a_probability_at_the_threshold_as_positive()
    {
        // Predicted at 0.5: late, on time, late, late (0.5 is at the threshold) → 3 of 4 right.
        var metrics = BinaryMetrics.Compute([0.9f, 0.2f, 0.6f, 0.5f], [true, false, false, true]);

        Assert.Equal(0.75, metrics.Accuracy);
    }

    [Fact]
    public void Accuracy_uses_the_given_threshold()
    {
        // At 0.7: late, on time, on time, on time → 3 of 4 right; at 0.1 every row is predicted late → 2 of 4.
        Assert.Equal(0.75, BinaryMetrics.Compute([0.9f, 0.2f, 0.6f, 0.5f], [true, false, false, true], threshold: 0.7).Accuracy);
        Assert.Equal(0.5, BinaryMetrics.Compute([0.9f, 0.2f, 0.6f, 0.5f], [true, false, false, true], threshold: 0.1).Accuracy);
    }

    [Fact]
    public void Rows_and_positive_rate_describe_the_labels()
    {
        var metrics = BinaryMetrics.Compute([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]);

        Assert.Equal((4L, 0.5), (metrics.Rows, metrics.PositiveRate));
        Assert.Equal(0.75, metrics.Auc, Tolerance);
    }

    [Fact]
    public void Single_class_rows_still_have_log_loss_brier_and_accuracy()
    {
        var metrics = BinaryMetrics.Compute([0.1f, 0.3f], [false, false]);

        Assert.True(double.IsNaN(metrics.Auc));
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.7)) / 2, metrics.LogLoss, Tolerance);
        Assert.Equal((0.01 + 0.09) / 2, metrics.Brier, Tolerance);
        Assert.Equal((1.0, 0.0), (metrics.Accuracy, metrics.PositiveRate));
    }

    [Fact]
    public void No_rows_give_empty_metrics()
    {
        var metrics = BinaryMetrics.Compute([], []);

        Assert.Equal((0L, 0.0, 0.0), (metrics.Rows, metrics.LogLoss, metrics.Accuracy));
    }

    [Fact]
    public void Probabilities_and_labels_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute([0.1f, 0.2f], [true]));
    }
}
