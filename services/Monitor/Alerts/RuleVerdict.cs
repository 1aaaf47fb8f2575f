using Contracts.Monitoring;
using Monitor.Performance;
using Monitor.Windows;

namespace Monitor.Alerts;

/// <summary>
/// A rule's judgement of one window: whether its condition holds and on what numbers; null from
/// <see cref="Judge"/> when the window is too small to judge (the rule's state does not change then).
/// </summary>
/// <param name="Breached">Whether the condition holds.</param>
/// <param name="Value">The number compared (the worst column's score for drift, the metric for performance).</param>
/// <param name="Threshold">What it was compared with.</param>
/// <param name="Rows">Rows the window held.</param>
/// <param name="Drifted">Drift: the columns that crossed the threshold, worst first.</param>
/// <param name="Reference">Performance: the training hold-out value, when the card has it.</param>
public sealed record RuleVerdict(bool Breached, double Value, double Threshold, long Rows, IReadOnlyList<ColumnDrift> Drifted, double? Reference)
{
    /// <summary>What <paramref name="rule"/> says of <paramref name="report"/>, or null when it cannot judge it (a rule of another task too).</summary>
    public static RuleVerdict? Judge(AlertRuleOptions rule, WindowReport report)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(report);
        if (!rule.AppliesTo(report.Task))
            return null;
        return rule.Kind switch
        {
            AlertKind.Drift => JudgeDrift(rule, report),
            AlertKind.Performance => JudgePerformance(rule, report),
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="column"/> crossed <paramref name="rule"/>'s drift threshold.</summary>
    public static bool HasDrifted(AlertRuleOptions rule, ColumnDriftReport column)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(column);
        if (column.ValueOf(rule.Statistic) is not { } value)
            return false;
        return IsTest(rule.Statistic) ? value < DriftThreshold(rule) : value > DriftThreshold(rule);
    }

    /// <summary>Whether the metric is estimated from probabilities (judged on predictions) rather than measured on outcomes.</summary>
    public static bool IsEstimated(string metric) => MetricNames.IsEstimated(metric);

    private static RuleVerdict? JudgeDrift(AlertRuleOptions rule, WindowReport report)
    {
        if (report.Window.Predictions < rule.MinRows)
            return null;
        var threshold = DriftThreshold(rule);
        var watched = report.Drift.Where(column => rule.Columns.Count == 0 || rule.Columns.Contains(column.Column, StringComparer.OrdinalIgnoreCase)).ToList();
        var drifted = watched
            .Where(column => HasDrifted(rule, column))
            .Select(column => new ColumnDrift(column.Column, StatisticName(rule.Statistic), column.ValueOf(rule.Statistic)!.Value, threshold,
                rule.Statistic is DriftStatistic.Ks ? column.KsPValue ?? column.ChiSquarePValue : rule.Statistic is DriftStatistic.ChiSquare ? column.ChiSquarePValue : null))
            .OrderBy(column => IsTest(rule.Statistic) ? column.Score : -column.Score)
            .ToList();
        var values = watched.Select(column => column.ValueOf(rule.Statistic)).OfType<double>().ToList();
        if (values.Count == 0)
            return null;
        var worst = IsTest(rule.Statistic) ? values.Min() : values.Max();
        return new RuleVerdict(drifted.Count > 0, worst, threshold, report.Window.Predictions, drifted, null);
    }

    private static RuleVerdict? JudgePerformance(AlertRuleOptions rule, WindowReport report)
    {
        var estimated = IsEstimated(rule.Metric);
        var metric = estimated ? rule.Metric[MetricNames.EstimatedPrefix.Length..] : rule.Metric;
        var performance = report.Performance;
        var measured = estimated ? performance.Estimated : performance.Realized;
        var rows = measured?.Rows ?? 0;
        if (rows < rule.MinRows)
            return null;
        var value = measured?.ValueOf(metric);
        var reference = performance.Reference?.ValueOf(rule.Metric);
        var lowerIsBetter = MetricNames.LowerIsBetter(metric);
        double? threshold = rule.Threshold ?? (reference is { } r && rule.MaxDrop is { } drop ? (lowerIsBetter ? r + drop : r - drop) : null);
        if (value is not { } v || threshold is not { } t)
            return null;
        var breached = lowerIsBetter ? v > t : v < t;
        return new RuleVerdict(breached, v, t, rows, [], reference);
    }

    private static bool IsTest(DriftStatistic statistic) => statistic is DriftStatistic.Ks or DriftStatistic.ChiSquare;

    private static double DriftThreshold(AlertRuleOptions rule) => rule.Threshold ?? rule.Statistic switch
    {
        DriftStatistic.Psi => 0.2,
        DriftStatistic.JensenShannon => 0.1,
        _ => 0.01,
    };

    /// <summary>The statistic's name in alerts and the API.</summary>
    public static string StatisticName(DriftStatistic statistic) => statistic switch
    {
        DriftStatistic.Psi => "psi",
        DriftStatistic.Ks => "ks",
        DriftStatistic.ChiSquare => "chi-square",
        DriftStatistic.JensenShannon => "jensen-shannon",
        _ => statistic.ToString(),
    };
}
