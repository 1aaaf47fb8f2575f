using System.Text.Json.Serialization;

namespace Monitor.Performance;

/// <summary>What the card says the model achieved on rows it never saw (and, for estimates, the same estimate on the reference rows), in the form of its task.</summary>
[JsonDerivedType(typeof(ReferencePerformance))]
[JsonDerivedType(typeof(MulticlassReferencePerformance))]
[JsonDerivedType(typeof(RegressionReferencePerformance))]
public interface IReferencePerformance
{
    /// <summary>The value a rule's metric (by its full name, <see cref="MetricNames"/>) is compared with; null when the card has none.</summary>
    double? ValueOf(string metric);
}
