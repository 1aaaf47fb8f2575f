using System.Globalization;
using System.Text.Json;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// The outcomes received: collection <c>outcomes</c>, keyed by outcome id, so a second copy is only counted. What may
/// change is the <see cref="Outcome"/>'s to say; each change is a compare-and-set. No retention: outcomes are the ground truth.
/// </summary>
public sealed class OutcomeStore([FromKeyedServices(FeedbackCollectorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<Outcome> _outcomes = database.Collection(new DocumentSchema<Outcome>
    {
        Name = "outcomes",
        Key = outcome => outcome.OutcomeId,
        Fields = [new("state", outcome => outcome.State), new("prediction", outcome => outcome.PredictionId), new("model", outcome => outcome.ModelName),
            new("entity", outcome => outcome.EntityKey), new("received", outcome => outcome.ReceivedAt), new("joined", outcome => outcome.JoinedAt),
            new("published", outcome => outcome.Published),
            // What the counts group by: state, duplicates, model and source in one value, so one grouped count reads the index alone.
            new("tally", TallyOf)],
        Indexes = [["state", "prediction"], ["state", "model", "entity"], ["state", "received"], ["state", "published", "joined"], ["tally"]],
    });

    /// <summary>
    /// Stores the outcomes whose ids are not stored yet; for each other one (stored already, or earlier in
    /// <paramref name="outcomes"/>) counts a duplicate on the stored outcome. One admission per outcome, in order.
    /// </summary>
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
                : new OutcomeAdmission((await _outcomes.UpdateAsync(outcome.OutcomeId, stored => stored.WithDuplicate(), cancellationToken))!, IsNew: false));
        }

        return admissions;
    }

    /// <summary>The outcome with this id, or null.</summary>
    public async Task<Outcome?> FindAsync(string outcomeId, CancellationToken cancellationToken) =>
        (await _outcomes.GetAsync(outcomeId, cancellationToken))?.Document;

    /// <summary>The pending outcomes that name one of <paramref name="predictionIds"/>.</summary>
    public Task<IReadOnlyList<Outcome>> FindPendingByPredictionIdsAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken) =>
        _outcomes.ListAsync(Pending.And("prediction", Comparison.In, predictionIds), cancellationToken);

    /// <summary>The pending outcomes given by model and entity key (no prediction id) for one of <paramref name="entities"/>.</summary>
    public async Task<IReadOnlyList<Outcome>> FindPendingByEntityKeysAsync(IReadOnlyCollection<EntityRef> entities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var found = new List<Outcome>();
        foreach (var model in entities.GroupBy(entity => entity.ModelName, StringComparer.Ordinal))
        {
            var keys = model.Select(entity => entity.EntityKey).Distinct(StringComparer.Ordinal).ToList();
            found.AddRange(await _outcomes.ListAsync(Pending.And("model", model.Key).And("entity", Comparison.In, keys).And("prediction", null), cancellationToken));
        }

        return found;
    }

    /// <summary>
    /// Applies a rule of the outcome (<see cref="Outcome.JoinedTo"/>, <see cref="Outcome.MarkedPublished"/>) by compare-and-set;
    /// the outcome as changed, or null when there is none or the rule does not apply to it as stored (another writer came first).
    /// </summary>
    public Task<Outcome?> UpdateAsync(string outcomeId, Func<Outcome, Outcome?> change, CancellationToken cancellationToken) =>
        _outcomes.UpdateAsync(outcomeId, change, cancellationToken);

    /// <summary>Joined outcomes never marked published, joined before <paramref name="joinedBefore"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<Outcome>> FindUnpublishedAsync(DateTimeOffset joinedBefore, int limit, CancellationToken cancellationToken) =>
        _outcomes.ListAsync(
            DocumentQuery.Where("state", OutcomeState.Joined).And("published", false).And("joined", Comparison.Less, joinedBefore).OrderByAscending("joined").Take(limit),
            cancellationToken);

    /// <summary>Orphans the pending outcomes received before <paramref name="receivedBefore"/>; returns how many.</summary>
    public async Task<int> OrphanPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        const int Page = 500;
        var orphaned = 0;
        while (true)
        {
            // Oldest first, in the index's order; each outcome of a page leaves the pending state (here, or joined by another writer).
            var page = await _outcomes.FindAsync(Pending.And("received", Comparison.Less, receivedBefore).OrderByAscending("received").Take(Page), cancellationToken);
            foreach (var found in page)
                orphaned += await _outcomes.UpdateAsync(found.Document.OutcomeId, stored => stored.Orphaned(), cancellationToken, found) is null ? 0 : 1;
            if (page.Count < Page)
                return orphaned;
        }
    }

    /// <summary>How many outcomes are in each state and how many duplicates came, in all, per model and per source.</summary>
    public async Task<OutcomeCounts> CountAsync(CancellationToken cancellationToken)
    {
        var total = OutcomeTally.Zero;
        var models = new Dictionary<string, OutcomeTally>(StringComparer.Ordinal);
        var sources = new Dictionary<(string? Model, string? ReportedBy), OutcomeTally>();
        foreach (var (tally, count) in await _outcomes.CountByAsync(DocumentQuery.All, "tally", cancellationToken))
        {
            var (state, duplicates, model, reportedBy) = ReadTally(tally);
            var counted = OutcomeTally.Of(state, count, count * duplicates);
            total = total.Plus(counted);
            if (model is not null)
                models[model] = models.GetValueOrDefault(model, OutcomeTally.Zero).Plus(counted);
            sources[(model, reportedBy)] = sources.GetValueOrDefault((model, reportedBy), OutcomeTally.Zero).Plus(counted);
        }

        return new OutcomeCounts(total, models, [.. sources.Select(source => new SourceTally(source.Key.Model, source.Key.ReportedBy, source.Value))]);
    }

    private static DocumentQuery Pending => DocumentQuery.Where("state", OutcomeState.Pending);

    // The tally of an outcome: ["Joined",0,"flight-delay","key:0a1b2c3d4e5f"] (state, duplicates, model or null, source or
    // null). A JSON array, as a model name or a source may hold any character but a control character.
    private static string TallyOf(Outcome outcome) =>
        JsonSerializer.Serialize<object?[]>([outcome.State.ToString(), outcome.Duplicates, outcome.ModelName, outcome.ReportedBy]);

    // Reads a tally: the JSON array above, or the form written before sources were kept ("Joined:0" or
    // "Joined:0:flight-delay", the model possibly holding ':'), whose outcomes have no known source.
    private static (OutcomeState State, long Duplicates, string? Model, string? ReportedBy) ReadTally(string tally)
    {
        if (tally.StartsWith('['))
        {
            using var parts = JsonDocument.Parse(tally);
            var array = parts.RootElement;
            return (Enum.Parse<OutcomeState>(array[0].GetString()!), array[1].GetInt64(), array[2].GetString(), array[3].GetString());
        }

        var before = tally.Split(':', 3);
        return (Enum.Parse<OutcomeState>(before[0]), long.Parse(before[1], CultureInfo.InvariantCulture), before.Length == 3 ? before[2] : null, null);
    }
}
