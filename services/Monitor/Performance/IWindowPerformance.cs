using System.Text.Json.Serialization;

namespace Monitor.Performance;

/// <summary>
/// A window's performance, measured on outcomes or estimated from the predictions' probabilities, in the form of the
/// model's task (the API shows the task's own fields: binary, multiclass or regression).
/// </summary>
[JsonDerivedType(typeof(RealizedPerformance))]
[JsonDerivedType(typeof(EstimatedPerformance))]
[JsonDerivedType(typeof(MulticlassPerformance))]
[JsonDerivedType(typeof(EstimatedMulticlassPerformance))]
[JsonDerivedType(typeof(RegressionPerformance))]
public interface IWindowPerformance
{
    /// <summary>Outcomes (realized) or predictions with a probability (estimated) the numbers are computed on.</summary>
    long Rows { get; }

    /// <summary>The value of a metric by its rule name without <c>estimated-</c> (<see cref="MetricNames"/>); null when not measured or undefined.</summary>
    double? ValueOf(string metric);
}
