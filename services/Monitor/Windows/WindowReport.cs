using Modeling.Cards;
using Monitor.Drift;
using Monitor.Performance;
using Monitor.References;

namespace Monitor.Windows;

/// <summary>
/// Everything Monitor says about one window of one model version (the body of
/// <c>GET /api/v1/monitoring/models/{model}/versions/{version}</c>, and what the alert rules judge).
/// </summary>
public sealed record WindowReport(
    string Model,
    string Version,
    WindowSummary Window,
    IReadOnlyList<ColumnDriftReport> Drift,
    PredictionSummary Prediction,
    PerformanceReport Performance,
    IReadOnlyList<SegmentReport> Segments)
{
    /// <summary>The report of <paramref name="window"/>; <paramref name="drifted"/> decides each column's <c>drifted</c> flag.</summary>
    public static WindowReport Of(ReferenceProfile profile, WindowSnapshot window, Func<ColumnDriftReport, bool> drifted, int minSegmentOutcomes, int worstSegments)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(drifted);
        var predictions = window.Predictions;
        var outcomes = window.Outcomes;
        var drift = profile.Columns.Select((column, index) => ColumnDriftReport.Of(column, predictions.Columns[index]))
            .Select(report => report with { Drifted = report.Psi is not null && drifted(report) })
            .ToList();
        var withProbability = predictions.ProbabilityCounts.Sum();
        var holdout = profile.Card.Metrics?.Holdout;
        return new WindowReport(
            profile.Card.Name,
            profile.Card.Version,
            new WindowSummary(window.Kind, window.Description, window.OutcomeDescription, predictions.First, predictions.Last, predictions.Rows, outcomes.Rows, outcomes.First, outcomes.Last,
                window.PredictionsComplete, window.OutcomesComplete),
            drift,
            new PredictionSummary(
                withProbability == 0 ? null : predictions.ProbabilitySums.Sum() / withProbability,
                withProbability == 0 ? null : (double)predictions.PredictedPositive / withProbability,
                profile.Card.Reference?.Output?.Probability?.Mean,
                profile.Card.Reference?.Output?.PredictedPositiveRate),
            new PerformanceReport(
                profile.IsBinary ? RealizedPerformance.Of(outcomes) : null,
                profile.IsBinary ? EstimatedPerformance.Of(predictions) : null,
                holdout is null ? null : new ReferencePerformance(holdout.Auc, holdout.Accuracy, holdout.LogLoss, holdout.Brier)),
            profile.IsBinary ? SegmentReport.Worst(outcomes, minSegmentOutcomes, worstSegments) : []);
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

/// <summary>The output's distribution in the window beside the training data's.</summary>
public sealed record PredictionSummary(double? MeanProbability, double? PredictedPositiveRate, double? ReferenceMeanProbability, double? ReferencePredictedPositiveRate);

/// <summary>Realized (from outcomes), estimated (from probabilities) and training hold-out performance.</summary>
public sealed record PerformanceReport(RealizedPerformance? Realized, EstimatedPerformance? Estimated, ReferencePerformance? Reference);

/// <summary>The card's training hold-out metrics.</summary>
public sealed record ReferencePerformance(double Auc, double Accuracy, double LogLoss, double Brier);

/// <summary>Live performance of one segment.</summary>
public sealed record SegmentReport(string Feature, string Value, long Outcomes, double? Auc, double Accuracy, double LogLoss)
{
    /// <summary>The segments with at least <paramref name="minOutcomes"/> outcomes, worst AUC first (then worst log loss), at most <paramref name="count"/>.</summary>
    public static IReadOnlyList<SegmentReport> Worst(OutcomeAggregate outcomes, int minOutcomes, int count)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return [.. outcomes.Segments
            .Where(pair => pair.Value.Rows >= minOutcomes)
            .Select(pair =>
            {
                var separator = pair.Key.IndexOf('=', StringComparison.Ordinal);
                var segment = pair.Value;
                return new SegmentReport(
                    pair.Key[..separator], pair.Key[(separator + 1)..], segment.Rows,
                    BinnedRocAuc.Of(segment.Positives, segment.Negatives),
                    (double)segment.Correct / segment.Rows, segment.LogLossSum / segment.Rows);
            })
            .OrderBy(segment => segment.Auc ?? double.MaxValue)
            .ThenByDescending(segment => segment.LogLoss)
            .Take(count)];
    }
}
