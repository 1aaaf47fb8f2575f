namespace Retrainer.Retraining;

/// <summary>
/// The data policy: which labelled rows train the challenger and which hold-out both versions are scored on. The
/// recent window ends at the newest observation (not the wall clock, so a replay running far faster than real time
/// has the same windows as live traffic); its newest share is the hold-out; the rest trains, with the earlier rows
/// when the policy is <c>recent-plus-earlier</c>.
/// </summary>
/// <param name="Training">Training rows, oldest first: the earlier rows (when used), then the older part of the recent window.</param>
/// <param name="Holdout">The newest part of the recent window, oldest first.</param>
/// <param name="EarlierRows">How many of <paramref name="Training"/> are from before the window.</param>
/// <param name="RecentFrom">The window's start.</param>
/// <param name="RecentTo">The newest observation.</param>
public sealed record TrainingDataSelection(
    IReadOnlyList<LabelledRow> Training,
    IReadOnlyList<LabelledRow> Holdout,
    int EarlierRows,
    DateTimeOffset RecentFrom,
    DateTimeOffset RecentTo)
{
    /// <summary>Rows of the recent window (training and hold-out).</summary>
    public int RecentRows => Training.Count - EarlierRows + Holdout.Count;

    /// <summary>The training and hold-out rows per source (<see cref="LabelledRow.ReportedBy"/>), by source; rows of no known source last.</summary>
    public IReadOnlyList<ReporterRows> Reporters() =>
        [.. Training.Select(row => (row.ReportedBy, Holdout: false)).Concat(Holdout.Select(row => (row.ReportedBy, Holdout: true)))
            .GroupBy(row => row.ReportedBy)
            .OrderBy(source => source.Key is null)
            .ThenBy(source => source.Key, StringComparer.Ordinal)
            .Select(source => new ReporterRows(source.Key, source.Count(row => !row.Holdout), source.Count(row => row.Holdout)))];

    /// <summary>The recent window ending at <paramref name="newest"/>: its start.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset newest, RetrainingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return newest - policy.RecentWindow;
    }

    /// <summary>
    /// Splits <paramref name="recent"/> (the rows of the window, any order) into training and hold-out by observation time
    /// (the newest <see cref="RetrainingPolicy.HoldoutShare"/> held out, at least one row each when there are two), and
    /// puts <paramref name="earlier"/> (rows before the window) in front of the training rows when the policy says so.
    /// </summary>
    public static TrainingDataSelection Select(
        IReadOnlyList<LabelledRow> recent, IReadOnlyList<LabelledRow> earlier, DateTimeOffset newest, RetrainingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(recent);
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(policy);
        var ordered = recent.OrderBy(row => row.ObservedAt).ThenBy(row => row.OutcomeId).ToList();
        var holdoutCount = ordered.Count < 2 ? 0 : Math.Clamp((int)Math.Ceiling(ordered.Count * policy.HoldoutShare), 1, ordered.Count - 1);
        var used = policy.Policy == RetrainingPolicies.RecentPlusEarlier
            ? earlier.OrderBy(row => row.ObservedAt).ThenBy(row => row.OutcomeId).ToList()
            : [];
        return new TrainingDataSelection(
            [.. used, .. ordered.Take(ordered.Count - holdoutCount)],
            ordered[(ordered.Count - holdoutCount)..],
            used.Count,
            WindowStart(newest, policy),
            newest);
    }
}
