using Modeling.Cards;
using Replay.Results;

namespace Replay.Tests.Results;

public sealed class LiveMetricsTests
{
    private static readonly string[] Weather = ["drizzle", "rain", "sun"];

    [Fact]
    public void Multiclass_gives_accuracy_and_macro_f1_with_an_unknown_predicted_label_counted_wrong()
    {
        // truth → predicted: rain→rain, rain→sun, sun→sun, drizzle→(a label the card lacks), and one unanswered row.
        var metrics = LiveMetrics.Of(ModelTask.Multiclass, Weather, [(1, 1), (1, 2), (2, 2), (0, -1), (2, float.NaN)]);

        Assert.Equal(4, metrics.Rows);
        Assert.Equal(0.5, metrics.Accuracy);
        // F1: drizzle 0 (never predicted), rain 2·1·0.5/1.5 = 2/3, sun 2·0.5·1/1.5 = 2/3, <other> 0 (predicted, never true).
        Assert.Equal((0 + 2 / 3.0 + 2 / 3.0 + 0) / 4, metrics.MacroF1!.Value, precision: 12);
        Assert.Null(metrics.Auc);
        Assert.Null(metrics.Rmse);
    }

    [Fact]
    public void Regression_gives_rmse_and_mae()
    {
        var metrics = LiveMetrics.Of(ModelTask.Regression, [], [(10, 12), (5, 2), (float.NaN, 1)]);

        Assert.Equal(2, metrics.Rows);
        Assert.Equal(Math.Sqrt((4 + 9) / 2.0), metrics.Rmse!.Value, precision: 6);
        Assert.Equal(2.5, metrics.Mae!.Value, precision: 6);
        Assert.Null(metrics.Accuracy);
    }

    [Fact]
    public void Binary_gives_the_auc_and_nothing_without_rows()
    {
        Assert.Equal(0.75, LiveMetrics.Of(ModelTask.Binary, ["no", "yes"], [(1, 0.9f), (1, 0.2f), (0, 0.3f), (0, 0.1f)]).Auc);
        Assert.Same(LiveMetrics.None, LiveMetrics.Of(ModelTask.Binary, ["no", "yes"], [(float.NaN, 0.5f)]));
    }
}
