namespace Monitor.Performance;

/// <summary>Regression: the card's hold-out metrics.</summary>
public sealed record RegressionReferencePerformance(double Mae, double Rmse, double? RSquared) : IReferencePerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "mae" => Mae,
        "rmse" => Rmse,
        "r-squared" => RSquared,
        _ => null,
    };
}
