namespace Contracts.Monitoring;

/// <summary>
/// A model version's live performance (measured on outcomes, or estimated from its probabilities while
/// outcomes are missing) fell below a rule's threshold for its number of consecutive windows. Published by
/// Monitor; the Retrainer may start training on it.
/// </summary>
/// <param name="AlertId">Unique id of the alert.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version that degraded.</param>
/// <param name="Rule">The alert rule's name (Monitor's configuration).</param>
/// <param name="Metric">The metric: <c>auc</c>, <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>log-loss</c>, <c>brier</c>, or an estimated one (<c>estimated-auc</c>, …).</param>
/// <param name="Value">The metric in the window.</param>
/// <param name="Threshold">The value the rule compares with (already derived from the training metric when the rule is relative).</param>
/// <param name="Reference">The metric on the model's training hold-out, when the card has it.</param>
/// <param name="Window">The window the rule looked at, e.g. <c>last 2000 outcomes</c>.</param>
/// <param name="WindowStart">When the window's first outcome was recorded.</param>
/// <param name="WindowEnd">When the window's last outcome was recorded.</param>
/// <param name="Rows">Outcomes (or, for estimated metrics, predictions) in the window.</param>
/// <param name="DetectedAt">When the rule fired.</param>
public sealed record PerformanceDegraded(
    Guid AlertId,
    string ModelName,
    string ModelVersion,
    string Rule,
    string Metric,
    double Value,
    double Threshold,
    double? Reference,
    string Window,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long Rows,
    DateTimeOffset DetectedAt);
