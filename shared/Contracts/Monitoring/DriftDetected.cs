namespace Contracts.Monitoring;

/// <summary>
/// The inputs or the outputs of a model version drifted away from its training data: a drift rule held for
/// its number of consecutive windows. Published by Monitor; the Retrainer may start training on it.
/// </summary>
/// <param name="AlertId">Unique id of the alert.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The version whose traffic drifted.</param>
/// <param name="Rule">The alert rule's name (Monitor's configuration).</param>
/// <param name="Window">The window the rule looked at, e.g. <c>last 5000 predictions</c> or <c>last 1 h</c>.</param>
/// <param name="WindowStart">When the window's first prediction was received.</param>
/// <param name="WindowEnd">When the window's last prediction was received.</param>
/// <param name="Rows">Predictions in the window.</param>
/// <param name="Drifted">The columns that drifted (tensor columns, or <c>prediction</c> for the output), worst first.</param>
/// <param name="DetectedAt">When the rule fired.</param>
public sealed record DriftDetected(
    Guid AlertId,
    string ModelName,
    string ModelVersion,
    string Rule,
    string Window,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long Rows,
    IReadOnlyList<ColumnDrift> Drifted,
    DateTimeOffset DetectedAt);

/// <summary>One drifted column of a <see cref="DriftDetected"/>.</summary>
/// <param name="Column">The tensor column (e.g. <c>origin</c>, <c>date.hour</c>), or <c>prediction</c> for the output.</param>
/// <param name="Statistic">The statistic the rule compares: <c>psi</c>, <c>ks</c>, <c>chi-square</c> or <c>jensen-shannon</c>.</param>
/// <param name="Score">The statistic's value in the window.</param>
/// <param name="Threshold">The rule's threshold it crossed.</param>
/// <param name="PValue">The test's p-value, for the statistics that are tests (KS, chi-square).</param>
public sealed record ColumnDrift(string Column, string Statistic, double Score, double Threshold, double? PValue);
