using FeedbackCollector.Outcomes;

namespace FeedbackCollector.Endpoints;

/// <summary>
/// The body of <c>POST /api/v1/feedback</c>, for the API document: one outcome object, or
/// <c>{"outcomes":[…]}</c> with up to <c>Feedback:MaxOutcomesPerRequest</c> of them. The endpoint reads the JSON
/// itself, so that every problem is reported with its field's path (<c>outcomes[3].value</c>).
/// </summary>
/// <param name="Outcomes">Several outcomes (leave the other members out then).</param>
/// <param name="OutcomeId">Your id of the outcome; without one, its prediction id (or model, entity key and observation time) identifies it.</param>
/// <param name="PredictionId">The prediction it is the truth of (the id a prediction answered with).</param>
/// <param name="Model">The model, with <paramref name="EntityKey"/>, when there is no prediction id.</param>
/// <param name="EntityKey">Your key of the thing predicted (text or number).</param>
/// <param name="ObservedAt">When it happened (RFC 3339, with an offset); default: when it is received.</param>
/// <param name="Value">What was observed, as a number (e.g. a delay of 37); or give <paramref name="Label"/>.</param>
/// <param name="Label">What was observed, as text (e.g. <c>late</c>); or give <paramref name="Value"/>.</param>
public sealed record FeedbackRequest(
    IReadOnlyList<FeedbackRequest>? Outcomes,
    string? OutcomeId,
    Guid? PredictionId,
    string? Model,
    string? EntityKey,
    DateTimeOffset? ObservedAt,
    double? Value,
    string? Label);

/// <summary>The answer of <c>POST /api/v1/feedback</c>: one receipt per outcome sent, in order.</summary>
public sealed record FeedbackReceipts(IReadOnlyList<OutcomeReceipt> Outcomes);

/// <summary>One stored outcome and what became of it (<c>GET /api/v1/feedback/{outcomeId}</c>).</summary>
/// <param name="OutcomeId">Its id.</param>
/// <param name="Status"><c>joined</c>, <c>pending</c> or <c>orphaned</c>.</param>
/// <param name="PredictionIds">The predictions it is joined to.</param>
/// <param name="Joins">The same, with the version that made each.</param>
/// <param name="PredictionId">The prediction id it was sent with, if any.</param>
/// <param name="Model">The model it was sent with, or its prediction's.</param>
/// <param name="EntityKey">The entity key it was sent with.</param>
/// <param name="ObservedAt">When it happened.</param>
/// <param name="Value">The observed value, if a number.</param>
/// <param name="Label">The observed label, if text.</param>
/// <param name="ReceivedAt">When it was first received.</param>
/// <param name="JoinedAt">When it was joined.</param>
/// <param name="Duplicates">How many more copies were received.</param>
/// <param name="ReportedBy">Its source, who reported it: <c>key:&lt;key id&gt;</c> (or <c>token:&lt;subject&gt;</c>), <c>anonymous</c> (security turned off), <c>broker:&lt;user&gt;</c>; null when not known (stored before sources were kept).</param>
public sealed record OutcomeView(
    string OutcomeId,
    string Status,
    IReadOnlyList<Guid> PredictionIds,
    IReadOnlyList<OutcomeJoin> Joins,
    Guid? PredictionId,
    string? Model,
    string? EntityKey,
    DateTimeOffset ObservedAt,
    double? Value,
    string? Label,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? JoinedAt,
    long Duplicates,
    string? ReportedBy)
{
    /// <summary>The view of a stored outcome.</summary>
    public static OutcomeView Of(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new(
            outcome.OutcomeId,
            outcome.State switch
            {
                OutcomeState.Joined => "joined",
                OutcomeState.Pending => "pending",
                _ => "orphaned",
            },
            outcome.Joins.Select(join => join.PredictionId).ToList(),
            outcome.Joins,
            outcome.PredictionId,
            outcome.ModelName,
            outcome.EntityKey,
            outcome.ObservedAt,
            outcome.Value,
            outcome.Label,
            outcome.ReceivedAt,
            outcome.JoinedAt,
            outcome.Duplicates,
            outcome.ReportedBy);
    }
}

/// <summary>The answer of <c>GET /api/v1/feedback/stats</c>: every outcome, then per source, then per model (and per source of each).</summary>
/// <param name="Received">Distinct outcomes received (joined + pending + orphaned).</param>
/// <param name="Joined">Joined to their predictions.</param>
/// <param name="Pending">Waiting for their predictions.</param>
/// <param name="Orphaned">Not matched within the hold time.</param>
/// <param name="Duplicates">Copies received of outcomes already stored.</param>
/// <param name="Reporters">The same per source (who reported the outcomes), by <c>reportedBy</c>; the outcomes whose source is not known last, without <c>reportedBy</c>.</param>
/// <param name="Models">The same per model, by name (outcomes that only name a prediction not logged yet have no model yet).</param>
public sealed record FeedbackStats(
    long Received, long Joined, long Pending, long Orphaned, long Duplicates, IReadOnlyList<ReporterFeedbackStats> Reporters, IReadOnlyList<ModelFeedbackStats> Models)
{
    /// <summary>The stats of <paramref name="counts"/>.</summary>
    public static FeedbackStats Of(OutcomeCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var total = counts.Total;
        return new(
            total.Received, total.Joined, total.Pending, total.Orphaned, total.Duplicates,
            ReporterFeedbackStats.Of(counts.BySource()),
            counts.Models.OrderBy(model => model.Key, StringComparer.Ordinal)
                .Select(model => new ModelFeedbackStats(model.Key, model.Value.Received, model.Value.Joined, model.Value.Pending, model.Value.Orphaned, model.Value.Duplicates,
                    ReporterFeedbackStats.Of(counts.BySource(model.Key))))
                .ToList());
    }
}

/// <summary>One model's outcomes, as <see cref="FeedbackStats"/> counts them, in all and per source.</summary>
public sealed record ModelFeedbackStats(
    string Model, long Received, long Joined, long Pending, long Orphaned, long Duplicates, IReadOnlyList<ReporterFeedbackStats> Reporters);

/// <summary>The outcomes one source reported, as <see cref="FeedbackStats"/> counts them.</summary>
/// <param name="ReportedBy">The source, as on each outcome: <c>key:&lt;key id&gt;</c>, <c>token:&lt;subject&gt;</c>, <c>anonymous</c>, <c>broker:&lt;user&gt;</c>; null (left out) when not known.</param>
/// <param name="Received">Distinct outcomes received from it.</param>
/// <param name="Joined">Of them, joined.</param>
/// <param name="Pending">Of them, pending.</param>
/// <param name="Orphaned">Of them, orphaned.</param>
/// <param name="Duplicates">Copies received of them (from any source: a copy counts with its first).</param>
public sealed record ReporterFeedbackStats(string? ReportedBy, long Received, long Joined, long Pending, long Orphaned, long Duplicates)
{
    /// <summary>The stats of tallies per source.</summary>
    public static IReadOnlyList<ReporterFeedbackStats> Of(IEnumerable<(string? ReportedBy, OutcomeTally Tally)> sources) =>
        [.. sources.Select(source => new ReporterFeedbackStats(
            source.ReportedBy, source.Tally.Received, source.Tally.Joined, source.Tally.Pending, source.Tally.Orphaned, source.Tally.Duplicates))];
}
