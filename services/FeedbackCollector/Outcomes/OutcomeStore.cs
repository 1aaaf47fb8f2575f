using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// The outcomes FeedbackCollector received: the collection <c>outcomes</c>, keyed by outcome id, so a second copy is
/// not stored, only counted. What may change and how is the <see cref="Outcome"/>'s to say; this store finds, inserts
/// and writes back, each change a compare-and-set on the revision, retried when another writer came first. No retention:
/// outcomes are the ground truth.
/// </summary>
public sealed class OutcomeStore([FromKeyedServices(FeedbackCollectorService.StoreName)] IDocumentDatabase database)
{
    private const int Page = 500;

    private readonly IDocuments<Outcome> _outcomes = database.Collection(new DocumentSchema<Outcome>
    {
        Name = "outcomes",
        Key = outcome => outcome.OutcomeId,
        Fields =
        [
            new("state", outcome => outcome.State), new("prediction", outcome => outcome.PredictionId), new("model", outcome => outcome.ModelName),
            new("entity", outcome => outcome.EntityKey), new("received", outcome => outcome.ReceivedAt), new("joined", outcome => outcome.JoinedAt),
            new("published", outcome => outcome.Published),
            // What the counts group by: state, duplicates and model (when known) in one value, so one grouped count reads the index alone.
            new("tally", outcome => $"{outcome.State}:{outcome.Duplicates}" + (outcome.ModelName is null ? "" : ":" + outcome.ModelName)),
        ],
        Indexes = [["state", "prediction"], ["state", "model", "entity"], ["state", "received"], ["state", "published", "joined"], ["tally"]],
        Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } },
    });

    /// <summary>
    /// Stores the outcomes whose ids are not stored yet, as given; for each other one (already stored, or earlier in
    /// <paramref name="outcomes"/>), counts a duplicate on the stored outcome.
    /// </summary>
    /// <returns>One admission per outcome given, in order.</returns>
    public async Task<IReadOnlyList<OutcomeAdmission>> AddManyAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var distinct = outcomes.DistinctBy(outcome => outcome.OutcomeId, StringComparer.Ordinal).ToList();
        var inserted = await _outcomes.InsertManyAsync(distinct, cancellationToken);
        var fresh = distinct.Where((_, index) => inserted[index]).Select(outcome => outcome.OutcomeId).ToHashSet(StringComparer.Ordinal);
        var admissions = new List<OutcomeAdmission>(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            admissions.Add(fresh.Remove(outcome.OutcomeId)
                ? new OutcomeAdmission(outcome, IsNew: true)
                : new OutcomeAdmission((await UpdateAsync(outcome.OutcomeId, stored => stored.WithDuplicate(), cancellationToken))!, IsNew: false));
        }

        return admissions;
    }

    /// <summary>The outcome with this id, or <see langword="null"/>.</summary>
    public async Task<Outcome?> FindAsync(string outcomeId, CancellationToken cancellationToken) =>
        (await _outcomes.GetAsync(outcomeId, cancellationToken))?.Document;

    /// <summary>The pending outcomes that name one of <paramref name="predictionIds"/>.</summary>
    public async Task<IReadOnlyList<Outcome>> FindPendingByPredictionIdsAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken) =>
        Documents(await _outcomes.FindAsync(Pending.And("prediction", Comparison.In, predictionIds), cancellationToken));

    /// <summary>The pending outcomes given by model and entity key (no prediction id) for one of <paramref name="entities"/>.</summary>
    public async Task<IReadOnlyList<Outcome>> FindPendingByEntityKeysAsync(IReadOnlyCollection<EntityRef> entities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var found = new List<Outcome>();
        foreach (var model in entities.GroupBy(entity => entity.ModelName, StringComparer.Ordinal))
        {
            var keys = model.Select(entity => entity.EntityKey).Distinct(StringComparer.Ordinal).ToList();
            found.AddRange(Documents(await _outcomes.FindAsync(
                Pending.And("model", model.Key).And("entity", Comparison.In, keys).And("prediction", null), cancellationToken)));
        }

        return found;
    }

    /// <summary>Marks each outcome joined (<see cref="Outcome.JoinedTo"/>) if it is still pending; the writer whose mark succeeds publishes.</summary>
    /// <returns>The ids of the outcomes this call marked.</returns>
    public async Task<IReadOnlyList<string>> MarkJoinedAsync(IReadOnlyCollection<JoinedOutcome> joined, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(joined);
        var marked = new List<string>(joined.Count);
        foreach (var join in joined)
        {
            if (await UpdateAsync(join.OutcomeId, stored => stored.JoinedTo(join), cancellationToken) is not null)
                marked.Add(join.OutcomeId);
        }

        return marked;
    }

    /// <summary>Records that the <c>OutcomeRecorded</c> events of these (joined) outcomes were published.</summary>
    public async Task MarkPublishedAsync(IReadOnlyCollection<string> outcomeIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomeIds);
        foreach (var outcomeId in outcomeIds)
            await UpdateAsync(outcomeId, stored => stored.MarkedPublished(), cancellationToken);
    }

    /// <summary>Joined outcomes never marked published, joined before <paramref name="joinedBefore"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Outcome>> FindUnpublishedAsync(DateTimeOffset joinedBefore, int limit, CancellationToken cancellationToken) =>
        Documents(await _outcomes.FindAsync(
            DocumentQuery.Where("state", OutcomeState.Joined).And("published", false).And("joined", Comparison.Less, joinedBefore).OrderByAscending("joined").Take(limit),
            cancellationToken));

    /// <summary>Orphans the pending outcomes received before <paramref name="receivedBefore"/>; returns how many.</summary>
    public async Task<int> OrphanPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        var orphaned = 0;
        while (true)
        {
            // Oldest first, in the index's order; each outcome of a page leaves the pending state (here, or joined by another writer).
            var page = await _outcomes.FindAsync(Pending.And("received", Comparison.Less, receivedBefore).OrderByAscending("received").Take(Page), cancellationToken);
            foreach (var found in page)
                orphaned += await UpdateAsync(found.Document.OutcomeId, stored => stored.Orphaned(), cancellationToken, found) is null ? 0 : 1;
            if (page.Count < Page)
                return orphaned;
        }
    }

    /// <summary>How many outcomes are in each state and how many duplicates came, in all and per model.</summary>
    public async Task<OutcomeCounts> CountAsync(CancellationToken cancellationToken)
    {
        var total = OutcomeTally.Zero;
        var models = new Dictionary<string, OutcomeTally>(StringComparer.Ordinal);
        foreach (var (tally, count) in await _outcomes.CountByAsync(DocumentQuery.All, "tally", cancellationToken))
        {
            var parts = tally.Split(':', 3);
            var counted = OutcomeTally.Of(Enum.Parse<OutcomeState>(parts[0]), count, count * long.Parse(parts[1], CultureInfo.InvariantCulture));
            total = total.Plus(counted);
            if (parts.Length == 3)
                models[parts[2]] = models.GetValueOrDefault(parts[2], OutcomeTally.Zero).Plus(counted);
        }

        return new OutcomeCounts(total, models);
    }

    private static DocumentQuery Pending => DocumentQuery.Where("state", OutcomeState.Pending);

    private static List<Outcome> Documents(IReadOnlyList<Versioned<Outcome>> found) => [.. found.Select(outcome => outcome.Document)];

    // Applies the domain's change to the stored outcome (read now, or as already read) and writes it back if the outcome
    // is still at the revision read, else reads it again; null when the outcome is not there or the change does not apply.
    private async Task<Outcome?> UpdateAsync(string outcomeId, Func<Outcome, Outcome?> change, CancellationToken cancellationToken, Versioned<Outcome>? read = null)
    {
        for (var stored = read ?? await _outcomes.GetAsync(outcomeId, cancellationToken); stored is not null; stored = await _outcomes.GetAsync(outcomeId, cancellationToken))
        {
            if (change(stored.Document) is not { } changed)
                return null;
            if (await _outcomes.ReplaceAsync(changed, stored.Revision, cancellationToken))
                return changed;
        }

        return null;
    }
}
