using Monitor.Windows;

namespace Monitor.Performance;

/// <summary>Regression metrics measured on outcomes, as the card's hold-out metrics are (<c>RegressionErrors</c>).</summary>
/// <param name="Rows">Outcomes.</param>
/// <param name="Mae">Mean absolute error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="RSquared">1 − squared error / squared deviation of the true values from their mean; null when the true values do not vary.</param>
public sealed record RegressionPerformance(long Rows, double? Mae, double? Rmse, double? RSquared) : IWindowPerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "mae" => Mae,
        "rmse" => Rmse,
        "r-squared" => RSquared,
        _ => null,
    };

    /// <summary>The metrics of <paramref name="outcomes"/>; null without outcomes.</summary>
    public static RegressionPerformance? Of(RegressionOutcomes? outcomes)
    {
        if (outcomes is not { Rows: > 0 })
            return null;
        double rows = outcomes.Rows;
        return new RegressionPerformance(
            outcomes.Rows,
            outcomes.AbsoluteErrorSum / rows,
            Math.Sqrt(outcomes.SquaredErrorSum / rows),
            outcomes.TruthSquaredDeviations <= 0 ? null : 1 - (outcomes.SquaredErrorSum / outcomes.TruthSquaredDeviations));
    }
}
