namespace FeedbackCollector.Outcomes;

/// <summary>
/// The outcomes FeedbackCollector received, keyed by outcome id, with what became of each. Adding is
/// idempotent by outcome id: a second copy is not stored, only counted as a duplicate. Only
/// <see cref="OutcomeState.Pending"/> outcomes change: to joined when their prediction is found, to orphaned
/// when the hold time is over. Outcomes are kept (no retention): they are the ground truth.
/// </summary>
/// <remarks>
/// The embedded store implements it with SQLite (<see cref="SqliteOutcomeStore"/>), MongoDB with
/// <see cref="MongoOutcomeStore"/>; both pass the same contract tests
/// (<c>FeedbackCollector.Tests/Outcomes/OutcomeStoreContract</c>).
/// </remarks>
public interface IOutcomeStore
{
    /// <summary>
    /// Stores the outcomes whose ids are not stored yet, as given (pending); for each other one (already
    /// stored, or earlier in <paramref name="outcomes"/>), counts a duplicate on the stored outcome.
    /// </summary>
    /// <returns>One admission per outcome given, in order.</returns>
    Task<IReadOnlyList<OutcomeAdmission>> AddManyAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken);

    /// <summary>The outcome with this id, or <see langword="null"/>.</summary>
    Task<Outcome?> FindAsync(string outcomeId, CancellationToken cancellationToken);

    /// <summary>The pending outcomes that name one of <paramref name="predictionIds"/>.</summary>
    Task<IReadOnlyList<Outcome>> FindPendingByPredictionIdsAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken);

    /// <summary>The pending outcomes given by model and entity key (no prediction id) for one of <paramref name="entities"/>.</summary>
    Task<IReadOnlyList<Outcome>> FindPendingByEntityKeysAsync(IReadOnlyCollection<EntityRef> entities, CancellationToken cancellationToken);

    /// <summary>
    /// Marks each outcome joined to its predictions, not yet published, if it is still pending (an outcome
    /// another writer joined or orphaned meanwhile is left as it is). The writer whose mark succeeds publishes.
    /// </summary>
    /// <returns>The ids of the outcomes marked.</returns>
    Task<IReadOnlyList<string>> MarkJoinedAsync(IReadOnlyCollection<JoinedOutcome> joined, CancellationToken cancellationToken);

    /// <summary>Records that the <c>OutcomeRecorded</c> events of these (joined) outcomes were published.</summary>
    Task MarkPublishedAsync(IReadOnlyCollection<string> outcomeIds, CancellationToken cancellationToken);

    /// <summary>
    /// Joined outcomes whose events were not recorded as published, joined before <paramref name="joinedBefore"/>
    /// (the writer that joined them stopped or failed before publishing), oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Outcome>> FindUnpublishedAsync(DateTimeOffset joinedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Marks the pending outcomes received before <paramref name="receivedBefore"/> orphaned.</summary>
    /// <returns>How many were marked.</returns>
    Task<int> OrphanPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken);

    /// <summary>How many outcomes are in each state and how many duplicates came, in all and per model.</summary>
    Task<OutcomeCounts> CountAsync(CancellationToken cancellationToken);
}
