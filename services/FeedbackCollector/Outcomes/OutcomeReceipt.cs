namespace FeedbackCollector.Outcomes;

/// <summary>What became of one received outcome, as the sender is told.</summary>
/// <param name="OutcomeId">The outcome's id (the sender's, or the derived one).</param>
/// <param name="Status"><c>joined</c>, <c>pending</c> or <c>duplicate</c> (see <see cref="OutcomeStatuses"/>).</param>
/// <param name="PredictionIds">The predictions it is joined to (a duplicate's too), empty while pending.</param>
public sealed record OutcomeReceipt(string OutcomeId, string Status, IReadOnlyList<Guid> PredictionIds);

/// <summary>The statuses of <see cref="OutcomeReceipt.Status"/>.</summary>
public static class OutcomeStatuses
{
    /// <summary>Joined to its prediction(s) now; <c>OutcomeRecorded</c> published for each.</summary>
    public const string Joined = "joined";

    /// <summary>Stored; its prediction is not logged yet, so it is joined when the prediction arrives.</summary>
    public const string Pending = "pending";

    /// <summary>The same outcome was already received: nothing new is stored or published.</summary>
    public const string Duplicate = "duplicate";
}
