using Modeling.Cards;

namespace Modeling.Statistics;

/// <summary>
/// What a regression evaluation sums, row by row (absolute and squared errors, the labels and their squares), from
/// which <see cref="Metrics"/> computes MAE, RMSE and R².
/// </summary>
public sealed class RegressionErrors
{
    private double _absolute;
    private double _squared;
    private double _labels;
    private double _labelSquares;

    /// <summary>Rows counted.</summary>
    public long Rows { get; private set; }

    /// <summary>Counts one row: its true value and the predicted one.</summary>
    public void Add(double truth, double predicted)
    {
        var error = predicted - truth;
        _absolute += Math.Abs(error);
        _squared += error * error;
        _labels += truth;
        _labelSquares += truth * truth;
        Rows++;
    }

    /// <summary>The metrics of the rows counted.</summary>
    public RegressionMetrics Metrics()
    {
        if (Rows == 0)
            return new RegressionMetrics();
        var mean = _labels / Rows;
        var deviation = _labelSquares - (Rows * mean * mean);
        return new RegressionMetrics
        {
            Rows = Rows,
            Mae = _absolute / Rows,
            Rmse = Math.Sqrt(_squared / Rows),
            RSquared = deviation <= 0 ? null : 1 - (_squared / deviation),
        };
    }
}
