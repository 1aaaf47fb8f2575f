using Modeling.Cards;
using Monitor.Performance;

namespace Monitor.Alerts;

/// <summary>One alert rule (an entry of <c>Monitoring:Rules</c>).</summary>
public sealed class AlertRuleOptions
{
    /// <summary>Unique name, shown in alerts, e.g. <c>input-drift</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the rule watches.</summary>
    public AlertKind Kind { get; set; }

    /// <summary>Drift and performance: the window the rule looks at. Default count.</summary>
    public WindowKind Window { get; set; } = WindowKind.Count;

    /// <summary>
    /// Drift: the statistic. <c>Psi</c> and <c>JensenShannon</c> drift when the score exceeds
    /// <see cref="Threshold"/>; <c>Ks</c> and <c>ChiSquare</c> when the test's p-value falls below it.
    /// </summary>
    public DriftStatistic Statistic { get; set; } = DriftStatistic.Psi;

    /// <summary>
    /// Drift: the tensor columns watched (and <c>prediction</c> for the output); empty means all of them.
    /// </summary>
    public IList<string> Columns { get; set; } = [];

    /// <summary>
    /// Performance: the metric, which also decides the model versions the rule judges (those whose task has it,
    /// <see cref="MetricNames"/>). Binary: <c>auc</c>, <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>log-loss</c>,
    /// <c>brier</c>, or the label-free estimates <c>estimated-auc</c>, <c>estimated-accuracy</c>, <c>estimated-precision</c>,
    /// <c>estimated-recall</c>. Multiclass: <c>accuracy</c>, <c>macro-f1</c>, <c>log-loss</c>, <c>estimated-accuracy</c>.
    /// Regression: <c>mae</c>, <c>rmse</c>, <c>r-squared</c>.
    /// </summary>
    public string Metric { get; set; } = "auc";

    /// <summary>
    /// The task of the model versions the rule judges (<c>Binary</c>, <c>Multiclass</c>, <c>Regression</c>); unset: every task
    /// (a performance rule: every task whose metrics include <see cref="Metric"/>).
    /// </summary>
    public ModelTask? Task { get; set; }

    /// <summary>
    /// Drift: the score above which (PSI, Jensen–Shannon) or the p-value below which (KS, chi-square) a column
    /// drifted. Performance: an absolute bound (below it for AUC/accuracy/precision/recall, above it for log loss
    /// and Brier); leave unset to use <see cref="MaxDrop"/>.
    /// </summary>
    public double? Threshold { get; set; }

    /// <summary>Performance: how far the metric may move the wrong way from the card's training hold-out value.</summary>
    public double? MaxDrop { get; set; }

    /// <summary>Rows (predictions, or outcomes for realized metrics) a window needs before the rule judges it.</summary>
    public int MinRows { get; set; } = 1000;

    /// <summary>Consecutive evaluations the condition must hold before the alert fires.</summary>
    public int ConsecutiveWindows { get; set; } = 3;

    /// <summary>After firing, the rule stays quiet for this long for the same model version.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Stalled: how long without predictions counts as stalled.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the rule judges versions of <paramref name="task"/>: its <see cref="Task"/>, and for a performance rule its metric.</summary>
    public bool AppliesTo(ModelTask task) =>
        (Task is null || Task == task) && (Kind != AlertKind.Performance || MetricNames.Fits(task, Metric));

    /// <summary>
    /// The rules used when none are configured: input drift for every task; AUC and estimated AUC drops for binary models;
    /// accuracy and estimated accuracy drops for multiclass ones (regression errors have the target's units: configure
    /// their bounds); stalled predictions for every model.
    /// </summary>
    public static IReadOnlyList<AlertRuleOptions> Defaults() =>
    [
        new() { Name = "input-drift", Kind = AlertKind.Drift, Statistic = DriftStatistic.Psi, Threshold = 0.2, MinRows = 1000, ConsecutiveWindows = 3 },
        new() { Name = "auc-drop", Kind = AlertKind.Performance, Metric = "auc", MaxDrop = 0.05, MinRows = 500, ConsecutiveWindows = 3 },
        new() { Name = "estimated-auc-drop", Kind = AlertKind.Performance, Metric = "estimated-auc", MaxDrop = 0.05, MinRows = 1000, ConsecutiveWindows = 3 },
        new() { Name = "accuracy-drop", Kind = AlertKind.Performance, Task = ModelTask.Multiclass, Metric = "accuracy", MaxDrop = 0.05, MinRows = 500, ConsecutiveWindows = 3 },
        new() { Name = "estimated-accuracy-drop", Kind = AlertKind.Performance, Task = ModelTask.Multiclass, Metric = "estimated-accuracy", MaxDrop = 0.05, MinRows = 1000, ConsecutiveWindows = 3 },
        new() { Name = "predictions-stalled", Kind = AlertKind.Stalled, After = TimeSpan.FromMinutes(10) },
    ];
}

/// <summary>What an alert rule watches.</summary>
public enum AlertKind
{
    /// <summary>Input or output drift against the card's reference statistics.</summary>
    Drift,

    /// <summary>Live (or estimated) performance.</summary>
    Performance,

    /// <summary>No predictions for a while.</summary>
    Stalled,
}

/// <summary>The windows of a model version.</summary>
public enum WindowKind
{
    /// <summary>The last N predictions (outcomes for realized performance).</summary>
    Count,

    /// <summary>The predictions and outcomes of the last period of time.</summary>
    Time,
}

/// <summary>The drift statistics a rule can use.</summary>
public enum DriftStatistic
{
    /// <summary>Population stability index.</summary>
    Psi,

    /// <summary>Kolmogorov–Smirnov (continuous columns; categorical ones are tested with chi-square instead).</summary>
    Ks,

    /// <summary>Chi-square goodness of fit.</summary>
    ChiSquare,

    /// <summary>Jensen–Shannon distance.</summary>
    JensenShannon,
}
