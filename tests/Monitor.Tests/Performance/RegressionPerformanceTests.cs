using Modeling.Statistics;
using Monitor.Performance;
using Monitor.Windows;

namespace Monitor.Tests.Performance;

/// <summary>Live regression performance against values worked out by hand, a direct two-pass computation and the card's own evaluation (<see cref="RegressionErrors"/>).</summary>
public sealed class RegressionPerformanceTests
{
    [Fact]
    public void MAE_RMSE_and_R_squared_are_the_hand_worked_values()
    {
        // Errors −0.5, 0, 1, −1: MAE 2.5/4, MSE 2.25/4; the truths' mean is 6, their squared deviations 9 + 1 + 1 + 9 = 20.
        var performance = RegressionPerformance.Of(Aggregate([(3, 2.5), (5, 5), (7, 8), (9, 8)]))!;

        Assert.Equal(4, performance.Rows);
        Assert.Equal(0.625, performance.Mae!.Value, 12);
        Assert.Equal(0.75, performance.Rmse!.Value, 12);
        Assert.Equal(1 - (2.25 / 20), performance.RSquared!.Value, 12);
    }

    [Fact]
    public void The_numbers_equal_the_card_s_regression_evaluation_of_the_same_rows()
    {
        var rows = TaskTestData.RegressionRows(seed: 41, count: 5000);
        var errors = new RegressionErrors();
        foreach (var row in rows)
            errors.Add(row.Truth, row.Predicted);

        var live = RegressionPerformance.Of(Aggregate(rows.Select(row => (row.Truth, (double)row.Predicted))))!;
        var card = errors.Metrics();

        Assert.Equal(card.Mae, live.Mae!.Value, 9);
        Assert.Equal(card.Rmse, live.Rmse!.Value, 9);
        Assert.Equal(card.RSquared!.Value, live.RSquared!.Value, 9);
    }

    [Fact]
    public void Outcomes_counted_in_slices_and_merged_give_the_numbers_of_one_count_even_far_from_zero()
    {
        // Truths near 10⁹ that vary by a few units: Σy² − n·ȳ² would lose them; the merged deviations must not.
        var random = new Random(42);
        var rows = Enumerable.Range(0, 4000).Select(_ => (Truth: 1e9 + random.NextDouble() * 4, Predicted: 1e9 + 2.0)).ToList();
        var merged = new RegressionOutcomes();
        foreach (var slice in rows.Chunk(300))
            merged.Add(Aggregate(slice));

        var mean = rows.Average(row => row.Truth);
        var deviations = rows.Sum(row => (row.Truth - mean) * (row.Truth - mean));
        var squaredErrors = rows.Sum(row => (row.Predicted - row.Truth) * (row.Predicted - row.Truth));
        var performance = RegressionPerformance.Of(merged)!;
        Assert.Equal(4000, performance.Rows);
        Assert.Equal(rows.Average(row => Math.Abs(row.Predicted - row.Truth)), performance.Mae!.Value, 6);
        Assert.Equal(Math.Sqrt(squaredErrors / rows.Count), performance.Rmse!.Value, 6);
        Assert.Equal(1 - (squaredErrors / deviations), performance.RSquared!.Value, 6);
    }

    [Fact]
    public void R_squared_is_undefined_when_the_truth_does_not_vary_and_nothing_is_reported_without_outcomes()
    {
        Assert.Null(RegressionPerformance.Of(Aggregate([(4, 3), (4, 5)]))!.RSquared);
        Assert.Null(RegressionPerformance.Of(new RegressionOutcomes()));
        Assert.Null(RegressionPerformance.Of(null));
    }

    private static RegressionOutcomes Aggregate(IEnumerable<(double Truth, double Predicted)> rows)
    {
        var outcomes = new RegressionOutcomes();
        foreach (var (truth, predicted) in rows)
            outcomes.Add(truth, predicted);
        return outcomes;
    }
}
