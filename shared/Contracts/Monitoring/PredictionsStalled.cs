namespace Contracts.Monitoring;

/// <summary>
/// A model that was serving traffic has made no prediction for longer than the rule allows. Published by Monitor.
/// </summary>
/// <param name="AlertId">Unique id of the alert.</param>
/// <param name="ModelName">The silent model.</param>
/// <param name="ModelVersion">The version that predicted last.</param>
/// <param name="Rule">The alert rule's name (Monitor's configuration).</param>
/// <param name="LastPredictionAt">When its last prediction was received.</param>
/// <param name="SilentFor">How long it has been silent when the rule fired.</param>
/// <param name="DetectedAt">When the rule fired.</param>
public sealed record PredictionsStalled(
    Guid AlertId,
    string ModelName,
    string ModelVersion,
    string Rule,
    DateTimeOffset LastPredictionAt,
    TimeSpan SilentFor,
    DateTimeOffset DetectedAt);
