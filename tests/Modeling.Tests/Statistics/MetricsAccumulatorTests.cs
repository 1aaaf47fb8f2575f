using Modeling.Statistics;

namespace Modeling.Tests.Statistics;

/// <summary>Multiclass and regression metrics on small sets worked out by hand.</summary>
public sealed class MetricsAccumulatorTests
{
    [Fact]
    public void Multiclass_metrics_come_from_the_confusion_matrix_and_the_true_labels_probabilities()
    {
        var confusion = new MulticlassConfusion(3);
        // truth → predicted: a→a, a→a, a→b, b→b, c→b; label c is never predicted, no row is predicted c.
        (int Truth, int Predicted, float Probability)[] rows = [(0, 0, 0.9f), (0, 0, 0.8f), (0, 1, 0.3f), (1, 1, 0.6f), (2, 1, 0.1f)];
        foreach (var (truth, predicted, probability) in rows)
            confusion.Add(truth, predicted, probability);

        var metrics = confusion.Metrics(["a", "b", "c"]);

        Assert.Equal(5, metrics.Rows);
        Assert.Equal(3.0 / 5, metrics.Accuracy, 1e-12);
        Assert.Equal(-(Math.Log(0.9f) + Math.Log(0.8f) + Math.Log(0.3f) + Math.Log(0.6f) + Math.Log(0.1f)) / 5, metrics.LogLoss, 1e-9);
        // a: precision 2/2, recall 2/3; b: precision 1/3, recall 1/1; c: 0 and 0.
        Assert.Equal((1.0, 2.0 / 3, 3L), (metrics.Classes["a"].Precision, metrics.Classes["a"].Recall, metrics.Classes["a"].Support));
        Assert.Equal((1.0 / 3, 1.0, 1L), (metrics.Classes["b"].Precision, metrics.Classes["b"].Recall, metrics.Classes["b"].Support));
        Assert.Equal((0.0, 0.0, 0.0), (metrics.Classes["c"].Precision, metrics.Classes["c"].Recall, metrics.Classes["c"].F1));
        var f1A = 2 * 1.0 * (2.0 / 3) / (1 + (2.0 / 3));
        var f1B = 2 * (1.0 / 3) * 1.0 / ((1.0 / 3) + 1);
        Assert.Equal((f1A + f1B + 0) / 3, metrics.MacroF1, 1e-12);
    }

    [Fact]
    public void A_zero_probability_for_the_true_label_costs_a_bounded_log_loss()
    {
        var confusion = new MulticlassConfusion(2);
        confusion.Add(0, 1, 0f);

        Assert.Equal(-Math.Log(1e-15), confusion.Metrics(["a", "b"]).LogLoss, 1e-9);
    }

    [Fact]
    public void Regression_metrics_are_the_mean_absolute_and_root_mean_squared_errors_and_r_squared()
    {
        var errors = new RegressionErrors();
        (double Truth, double Predicted)[] rows = [(1, 2), (2, 2), (3, 5), (6, 5)];
        foreach (var (truth, predicted) in rows)
            errors.Add(truth, predicted);

        var metrics = errors.Metrics();

        Assert.Equal(4, metrics.Rows);
        Assert.Equal((1 + 0 + 2 + 1) / 4.0, metrics.Mae, 1e-12);
        Assert.Equal(Math.Sqrt((1 + 0 + 4 + 1) / 4.0), metrics.Rmse, 1e-12);
        // Labels' mean 3, squared deviations 4 + 1 + 0 + 9 = 14; squared errors 6.
        Assert.Equal(1 - (6 / 14.0), metrics.RSquared!.Value, 1e-12);
    }

    [Fact]
    public void R_squared_is_absent_when_the_labels_do_not_vary()
    {
        var errors = new RegressionErrors();
        errors.Add(3, 2);
        errors.Add(3, 4);

        Assert.Null(errors.Metrics().RSquared);
        Assert.Equal(1, errors.Metrics().Mae);
    }
}
