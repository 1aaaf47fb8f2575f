using Modeling.Cards;
using Monitor.Drift;
using Monitor.Performance;
using Monitor.References;

namespace Monitor.Windows;

/// <summary>
/// Everything Monitor says about one window of one model version (the body of
/// <c>GET /api/v1/monitoring/models/{model}/versions/{version}</c>, and what the alert rules judge). Each part is in the
/// form of the model's task; a number of another task is left out (null).
/// </summary>
public sealed record WindowReport(
    string Model,
    string Version,
    ModelTask Task,
    ReferenceReport Reference,
    WindowSummary Window,
    IReadOnlyList<ColumnDriftReport> Drift,
    PredictionSummary Prediction,
    PerformanceReport Performance,
    IReadOnlyList<SegmentReport> Segments)
{
    /// <summary>The report of <paramref name="window"/>; <paramref name="drifted"/> decides each column's <c>drifted</c> flag.</summary>
    public static WindowReport Of(WindowSnapshot window, Func<ColumnDriftReport, bool> drifted, int minSegmentOutcomes, int worstSegments)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(drifted);
        var profile = window.Profile;
        var predictions = window.Predictions;
        var outcomes = window.Outcomes;
        var drift = profile.Columns.Select((column, index) => ColumnDriftReport.Of(column, predictions.Columns[index]))
            .Select(report => report with { Drifted = report.Psi is not null && drifted(report) })
            .ToList();
        return new WindowReport(
            profile.Card.Name,
            profile.Card.Version,
            profile.Task,
            ReferenceReport.Of(profile, window.LiveReference),
            new WindowSummary(window.Kind, window.Description, window.OutcomeDescription, predictions.First, predictions.Last, predictions.Rows, outcomes.Rows, outcomes.First, outcomes.Last,
                window.PredictionsComplete, window.OutcomesComplete),
            drift,
            PredictionSummary.Of(profile, predictions),
            PerformanceReport.Of(profile, predictions, outcomes),
            SegmentReport.Worst(profile.Task, outcomes, minSegmentOutcomes, worstSegments));
    }
}

/// <summary>
/// The reference statistics a version's traffic is compared with: their kind (<c>training</c>, <c>dataset</c> or <c>live</c>;
/// null while there is none) and rows, and while a live reference is being collected, how far it is.
/// </summary>
/// <param name="Kind">What the reference was computed on (<see cref="ReferenceKind"/>), or null.</param>
/// <param name="Rows">The reference's rows.</param>
/// <param name="Dataset">The file it was computed from (kind <c>dataset</c>).</param>
/// <param name="LiveRowsCollected">Without a reference: the predictions collected so far for the live one.</param>
/// <param name="LiveRowsNeeded">Without a reference: the predictions the live one is built from (<c>Monitoring:LiveReferenceRows</c>).</param>
public sealed record ReferenceReport(string? Kind, long? Rows, string? Dataset, long? LiveRowsCollected, int? LiveRowsNeeded)
{
    /// <summary>The reference of <paramref name="profile"/>, with the live collection's progress when there is one.</summary>
    public static ReferenceReport Of(ReferenceProfile profile, LiveReferenceProgress? collecting)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new ReferenceReport(profile.ReferenceKind, profile.Reference?.Rows, profile.Reference?.Dataset, collecting?.Rows, collecting?.RowsNeeded);
    }
}

/// <summary>
/// Which predictions (received from Start to End) and outcomes (recorded from OutcomesStart to OutcomesEnd) a window
/// holds, and whether each side is complete (a count window before its N have arrived is not; rules wait for it).
/// </summary>
public sealed record WindowSummary(
    string Kind,
    string Description,
    string OutcomeDescription,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    long Predictions,
    long Outcomes,
    DateTimeOffset? OutcomesStart,
    DateTimeOffset? OutcomesEnd,
    bool PredictionsComplete,
    bool OutcomesComplete);

/// <summary>The drift statistics of one column in a window (null when they cannot be computed).</summary>
public sealed record ColumnDriftReport(
    string Column,
    string Kind,
    long Rows,
    double? Psi,
    double? Ks,
    double? KsPValue,
    double? ChiSquare,
    double? ChiSquarePValue,
    double? JensenShannon,
    bool Drifted)
{
    /// <summary>The statistics of the live <paramref name="counts"/> against <paramref name="column"/>'s reference.</summary>
    public static ColumnDriftReport Of(ProfileColumn column, IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(counts);
        var rows = counts.Sum();
        var continuous = column.Kind == ColumnKind.Continuous;
        var ks = continuous ? DriftStatistics.KolmogorovSmirnov(column.Expected, counts) : default;
        var chiSquare = DriftStatistics.ChiSquare(column.Expected, counts);
        return new ColumnDriftReport(
            column.Column,
            continuous ? "continuous" : "categorical",
            rows,
            Finite(DriftStatistics.PopulationStabilityIndex(column.Expected, counts)),
            continuous ? Finite(ks.Statistic) : null,
            continuous ? Finite(ks.PValue) : null,
            Finite(chiSquare.Statistic),
            Finite(chiSquare.PValue),
            Finite(DriftStatistics.JensenShannonDistance(column.Expected, counts)),
            false);
    }

    /// <summary>The value of <paramref name="statistic"/> for this column: the score, or the p-value for the tests (KS falls back to chi-square on categorical columns).</summary>
    public double? ValueOf(Alerts.DriftStatistic statistic) => statistic switch
    {
        Alerts.DriftStatistic.Psi => Psi,
        Alerts.DriftStatistic.JensenShannon => JensenShannon,
        Alerts.DriftStatistic.Ks => KsPValue ?? ChiSquarePValue,
        Alerts.DriftStatistic.ChiSquare => ChiSquarePValue,
        _ => null,
    };

    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>
/// The output's distribution in the window beside the reference's. Binary: the mean probability and the predicted positive
/// rate; multiclass: the mean of the predicted label's probability and the share of each predicted label; regression: the
/// mean predicted value.
/// </summary>
public sealed record PredictionSummary(
    double? MeanProbability,
    double? PredictedPositiveRate,
    double? ReferenceMeanProbability,
    double? ReferencePredictedPositiveRate,
    double? MeanConfidence = null,
    double? ReferenceMeanConfidence = null,
    IReadOnlyDictionary<string, double>? PredictedClasses = null,
    IReadOnlyDictionary<string, double>? ReferencePredictedClasses = null,
    double? MeanValue = null,
    double? ReferenceMeanValue = null)
{
    /// <summary>The summary of <paramref name="predictions"/> for <paramref name="profile"/>'s task.</summary>
    public static PredictionSummary Of(ReferenceProfile profile, PredictionAggregate predictions)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(predictions);
        var output = profile.Reference?.Output;
        var withProbability = predictions.ProbabilityCounts.Sum();
        double? meanProbability = withProbability == 0 ? null : predictions.ProbabilitySums.Sum() / withProbability;
        switch (profile.Task)
        {
            case ModelTask.Binary:
                return new PredictionSummary(
                    meanProbability,
                    withProbability == 0 ? null : (double)predictions.PredictedPositive / withProbability,
                    output?.Probability?.Mean,
                    output?.PredictedPositiveRate);
            case ModelTask.Multiclass:
                return new PredictionSummary(null, null, null, null,
                    MeanConfidence: meanProbability,
                    ReferenceMeanConfidence: output?.Confidence?.Mean,
                    PredictedClasses: PredictedClassShares(profile, predictions),
                    ReferencePredictedClasses: output?.PredictedClasses);
            default:
                return new PredictionSummary(null, null, null, null,
                    MeanValue: predictions.ValueRows == 0 ? null : predictions.ValueSum / predictions.ValueRows,
                    ReferenceMeanValue: output?.Value?.Mean);
        }
    }

    // The counts of the prediction column (the reference's labels), as shares; null without it or without predictions.
    private static Dictionary<string, double>? PredictedClassShares(ReferenceProfile profile, PredictionAggregate predictions)
    {
        var index = profile.Columns.Count - 1;
        if (index < 0 || profile.Columns[index].Column != ReferenceProfile.PredictionColumn)
            return null;
        var column = profile.Columns[index];
        var counts = predictions.Columns[index];
        double total = counts.Sum();
        return total == 0 ? null : column.Categories
            .Select((category, bin) => (category, bin))
            .Where(pair => pair.category != ProfileColumn.Other || counts[pair.bin] > 0)
            .ToDictionary(pair => pair.category, pair => counts[pair.bin] / total, StringComparer.Ordinal);
    }
}

/// <summary>Realized (from outcomes), estimated (from probabilities) and the card's hold-out performance, each in the form of the model's task.</summary>
public sealed record PerformanceReport(IWindowPerformance? Realized, IWindowPerformance? Estimated, IReferencePerformance? Reference)
{
    /// <summary>
    /// The performance for <paramref name="profile"/>'s task: binary realized (AUC, accuracy, …, calibration) and estimated
    /// (CBPE) beside the hold-out metrics; multiclass realized (accuracy, macro-F1, log loss, per label) and estimated accuracy
    /// beside the hold-out metrics and the reference's mean confidence; regression realized (MAE, RMSE, R²) beside the hold-out
    /// metrics (no estimate without labels).
    /// </summary>
    public static PerformanceReport Of(ReferenceProfile profile, PredictionAggregate predictions, OutcomeAggregate outcomes)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(outcomes);
        var metrics = profile.Card.Metrics;
        switch (profile.Task)
        {
            case ModelTask.Binary:
                var holdout = metrics?.Holdout;
                return new PerformanceReport(
                    RealizedPerformance.Of(outcomes),
                    EstimatedPerformance.Of(predictions),
                    holdout is null ? null : new ReferencePerformance(holdout.Auc, holdout.Accuracy, holdout.LogLoss, holdout.Brier));
            case ModelTask.Multiclass:
                var multiclass = metrics?.Multiclass;
                var meanConfidence = profile.Reference?.Output?.Confidence?.Mean;
                return new PerformanceReport(
                    MulticlassPerformance.Of(outcomes.Multiclass, profile.Labels),
                    EstimatedMulticlassPerformance.Of(predictions),
                    multiclass is null && meanConfidence is null ? null
                        : new MulticlassReferencePerformance(multiclass?.Accuracy, multiclass?.MacroF1, multiclass?.LogLoss, meanConfidence));
            default:
                var regression = metrics?.Regression;
                return new PerformanceReport(
                    RegressionPerformance.Of(outcomes.Regression),
                    null,
                    regression is null ? null : new RegressionReferencePerformance(regression.Mae, regression.Rmse, regression.RSquared));
        }
    }
}

/// <summary>
/// Live performance of one segment: binary AUC, accuracy and log loss; multiclass accuracy and log loss; regression MAE and RMSE.
/// </summary>
public sealed record SegmentReport(string Feature, string Value, long Outcomes, double? Auc, double? Accuracy, double? LogLoss, double? Mae = null, double? Rmse = null)
{
    /// <summary>
    /// The segments with at least <paramref name="minOutcomes"/> outcomes, worst first, at most <paramref name="count"/>: binary by AUC
    /// (then log loss), multiclass by accuracy (then log loss), regression by RMSE.
    /// </summary>
    public static IReadOnlyList<SegmentReport> Worst(ModelTask task, OutcomeAggregate outcomes, int minOutcomes, int count)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var segments = outcomes.Segments
            .Where(pair => pair.Value.Rows >= minOutcomes)
            .Select(pair =>
            {
                var separator = pair.Key.IndexOf('=', StringComparison.Ordinal);
                var (feature, value, segment) = (pair.Key[..separator], pair.Key[(separator + 1)..], pair.Value);
                return task switch
                {
                    ModelTask.Binary => new SegmentReport(feature, value, segment.Rows,
                        BinnedRocAuc.Of(segment.Positives, segment.Negatives), (double)segment.Correct / segment.Rows, segment.LogLossSum / segment.Rows),
                    ModelTask.Multiclass => new SegmentReport(feature, value, segment.Rows,
                        null, (double)segment.Correct / segment.Rows, segment.LogLossRows == 0 ? null : segment.LogLossSum / segment.LogLossRows),
                    _ => new SegmentReport(feature, value, segment.Rows,
                        null, null, null, segment.AbsoluteErrorSum / segment.Rows, Math.Sqrt(segment.SquaredErrorSum / segment.Rows)),
                };
            });
        var worstFirst = task switch
        {
            ModelTask.Binary => segments.OrderBy(segment => segment.Auc ?? double.MaxValue).ThenByDescending(segment => segment.LogLoss),
            ModelTask.Multiclass => segments.OrderBy(segment => segment.Accuracy).ThenByDescending(segment => segment.LogLoss ?? 0),
            _ => segments.OrderByDescending(segment => segment.Rmse),
        };
        return [.. worstFirst.Take(count)];
    }
}
