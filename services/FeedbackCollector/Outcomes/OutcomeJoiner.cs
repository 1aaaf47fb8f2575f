using Contracts.Outcomes;
using Contracts.Predictions;
using FeedbackCollector.Predictions;
using MassTransit;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Joins ground truth to predictions, from either side: an outcome that arrives (HTTP or event) is joined to
/// its logged prediction(s) at once, or held pending; predictions that arrive are joined to the pending
/// outcomes waiting for them. Each join publishes one <see cref="OutcomeRecorded"/> per prediction.
/// </summary>
/// <remarks>
/// <para>Join rules: an outcome that names a prediction id joins that prediction. An outcome given by model and
/// entity key joins, for each version of the model, the newest prediction of that entity made at or before
/// the outcome's observation time (a champion and a shadow each get theirs).</para>
/// <para>Nothing is lost between the two sides: an outcome is stored before its prediction is looked up, and
/// predictions are logged before pending outcomes are looked up, so whichever comes second finds the other.
/// When both find each other (an outcome sent while its prediction is being logged), the conditional mark
/// (pending to joined) decides: only the side whose mark succeeds publishes.</para>
/// <para>The mark is also an outbox entry: an outcome is marked joined and unpublished, its events are
/// published, then it is marked published. A join still unpublished <see cref="RepublishAfter"/> after it was
/// marked was left by a writer that stopped or failed in between: <see cref="RepublishAsync"/> (run by
/// <see cref="OutcomeSweep"/>) publishes its events, and so does the same outcome sent again. A younger
/// unpublished join is left to its writer, which may be publishing it at that moment: the predictions side
/// joining an outcome whose first copy came back pending while the sender sends it again, or another request
/// with the same outcome. So <see cref="OutcomeRecorded"/> is delivered at least once, and more than once only
/// after such a failure; consumers recognise a repeat by (outcome id, prediction id).</para>
/// </remarks>
public sealed partial class OutcomeJoiner(
    OutcomeStore outcomes, PredictionStore predictions, IBus bus, FeedbackMetrics metrics, TimeProvider time, ILogger<OutcomeJoiner> logger)
{
    /// <summary>The channel of outcomes sent to <c>POST /api/v1/feedback</c>.</summary>
    public const string HttpChannel = "http";

    /// <summary>The channel of outcomes published on the ingest exchange.</summary>
    public const string EventChannel = "event";

    /// <summary>
    /// How long a joined outcome may stay unpublished before it counts as left by a failed writer, whose events
    /// the sweep or a repeat of the outcome publish: far longer than a live writer takes between marking and
    /// publishing, so they do not publish what a live writer is publishing.
    /// </summary>
    public static readonly TimeSpan RepublishAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Stores <paramref name="received"/> (a duplicate is counted, not stored) and joins each new one whose
    /// prediction is logged. A duplicate of an outcome still pending is tried again, in case the first attempt
    /// failed before it joined.
    /// </summary>
    /// <returns>One receipt per outcome, in order.</returns>
    public async Task<IReadOnlyList<OutcomeReceipt>> ReceiveAsync(IReadOnlyList<Outcome> received, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        var admissions = await outcomes.AddManyAsync(received, cancellationToken);

        var candidates = admissions
            .Where(admission => admission.IsNew || admission.Stored.State == OutcomeState.Pending)
            .Select(admission => admission.Stored)
            .DistinctBy(outcome => outcome.OutcomeId, StringComparer.Ordinal)
            .ToList();
        var joins = await ResolveAsync(candidates, cancellationToken);
        await JoinAsync(joins, cancellationToken);

        // Sent again after a failure that left it joined but unpublished: publish now rather than at the next sweep.
        // Only a join older than RepublishAfter was left by a failure; a younger one is its writer's to publish.
        var strandedBefore = time.GetUtcNow() - RepublishAfter;
        var unpublished = admissions
            .Where(admission => !admission.IsNew
                                && admission.Stored is { State: OutcomeState.Joined, Published: false, JoinedAt: { } joinedAt }
                                && joinedAt < strandedBefore)
            .Select(admission => admission.Stored)
            .DistinctBy(outcome => outcome.OutcomeId, StringComparer.Ordinal)
            .ToList();
        if (unpublished.Count > 0)
            await PublishStoredAsync(unpublished, cancellationToken);

        var joinedIds = joins.ToDictionary(join => join.Outcome.OutcomeId, join => join.Predictions, StringComparer.Ordinal);
        var receipts = new List<OutcomeReceipt>(admissions.Count);
        // An id given twice in one request is new the first time only.
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var admission in admissions)
        {
            var id = admission.Stored.OutcomeId;
            var isNew = admission.IsNew && answered.Add(id);
            var joined = joinedIds.GetValueOrDefault(id);
            var predictionIds = joined?.Select(prediction => prediction.PredictionId).ToList()
                                ?? admission.Stored.Joins.Select(join => join.PredictionId).ToList();
            var status = !isNew ? OutcomeStatuses.Duplicate : joined is not null ? OutcomeStatuses.Joined : OutcomeStatuses.Pending;
            receipts.Add(new OutcomeReceipt(id, status, predictionIds));
        }

        var fresh = receipts.Count(receipt => receipt.Status != OutcomeStatuses.Duplicate);
        metrics.Received(channel, fresh);
        metrics.Duplicates(channel, receipts.Count - fresh);
        metrics.Pending(receipts.Count(receipt => receipt.Status == OutcomeStatuses.Pending));
        return receipts;
    }

    /// <summary>
    /// Joins the pending outcomes waiting for <paramref name="arrived"/> (just logged): those naming one of them
    /// by id, and those given by the model and entity key of one of them, observed at or after it was made.
    /// </summary>
    /// <returns>How many outcomes were joined.</returns>
    public async Task<int> JoinArrivedAsync(IReadOnlyCollection<PredictionMade> arrived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arrived);
        if (arrived.Count == 0)
            return 0;

        var byId = arrived.DistinctBy(prediction => prediction.PredictionId).ToDictionary(prediction => prediction.PredictionId);
        var joins = new List<OutcomeJoining>();
        foreach (var outcome in await outcomes.FindPendingByPredictionIdsAsync(byId.Keys, cancellationToken))
            joins.Add(new OutcomeJoining(outcome, [byId[outcome.PredictionId!.Value]]));

        // The earliest arrived prediction of each entity: an outcome observed before it cannot join any of them.
        var earliest = new Dictionary<EntityRef, DateTimeOffset>();
        foreach (var prediction in arrived)
        {
            if (prediction.EntityKey is null)
                continue;
            var entity = new EntityRef(prediction.ModelName, prediction.EntityKey);
            if (!earliest.TryGetValue(entity, out var first) || prediction.PredictedAt < first)
                earliest[entity] = prediction.PredictedAt;
        }

        if (earliest.Count > 0)
        {
            var waiting = (await outcomes.FindPendingByEntityKeysAsync(earliest.Keys, cancellationToken))
                .Where(outcome => outcome.ObservedAt >= earliest[new EntityRef(outcome.ModelName!, outcome.EntityKey!)])
                .ToList();
            joins.AddRange(await ResolveAsync(waiting, cancellationToken));
        }

        return (await JoinAsync(joins, cancellationToken)).Count;
    }

    /// <summary>
    /// Publishes the events of the outcomes joined before <paramref name="joinedBefore"/> whose events were never
    /// recorded as published (their writer stopped or failed in between), as they were joined.
    /// </summary>
    /// <returns>How many outcomes' events were published.</returns>
    public async Task<int> RepublishAsync(DateTimeOffset joinedBefore, CancellationToken cancellationToken)
    {
        const int Page = 500;
        var published = 0;
        while (true)
        {
            var unpublished = await outcomes.FindUnpublishedAsync(joinedBefore, Page, cancellationToken);
            if (unpublished.Count > 0)
            {
                await PublishStoredAsync(unpublished, cancellationToken);
                published += unpublished.Count;
            }

            if (unpublished.Count < Page)
                return published;
        }
    }

    // The predictions each outcome joins now; outcomes that join none are left out.
    private async Task<List<OutcomeJoining>> ResolveAsync(IReadOnlyCollection<Outcome> candidates, CancellationToken cancellationToken)
    {
        var joins = new List<OutcomeJoining>();
        var byPrediction = candidates.Where(outcome => outcome.PredictionId is not null).ToList();
        if (byPrediction.Count > 0)
        {
            var found = (await predictions.FindManyAsync(byPrediction.Select(outcome => outcome.PredictionId!.Value).Distinct().ToList(), cancellationToken))
                .ToDictionary(prediction => prediction.PredictionId);
            foreach (var outcome in byPrediction)
            {
                if (found.TryGetValue(outcome.PredictionId!.Value, out var prediction))
                    joins.Add(new OutcomeJoining(outcome, [prediction]));
            }
        }

        foreach (var outcome in candidates.Where(outcome => outcome.PredictionId is null))
        {
            var latest = await predictions.FindLatestPerVersionAsync(outcome.ModelName!, outcome.EntityKey!, outcome.ObservedAt, cancellationToken);
            if (latest.Count > 0)
                joins.Add(new OutcomeJoining(outcome, latest.OrderBy(prediction => prediction.ModelVersion, StringComparer.Ordinal).ToList()));
        }

        return joins;
    }

    // Marks the outcomes joined (only those still pending), then publishes the events of those this writer
    // marked: another writer that marked one first publishes its events itself.
    private async Task<List<OutcomeJoining>> JoinAsync(IReadOnlyCollection<OutcomeJoining> joins, CancellationToken cancellationToken)
    {
        if (joins.Count == 0)
            return [];

        var now = time.GetUtcNow();
        var ours = new List<OutcomeJoining>(joins.Count);
        foreach (var join in joins)
        {
            var joined = new JoinedOutcome(join.Outcome.OutcomeId, join.Predictions[0].ModelName,
                [.. join.Predictions.Select(prediction => new OutcomeJoin(prediction.PredictionId, prediction.ModelVersion))], now);
            if (await outcomes.UpdateAsync(joined.OutcomeId, stored => stored.JoinedTo(joined), cancellationToken) is not null)
                ours.Add(join);
        }

        foreach (var model in ours.GroupBy(join => join.Predictions[0].ModelName, StringComparer.Ordinal))
            metrics.Joined(model.Key, model.Count());
        if (ours.Count < joins.Count)
            LogJoinedElsewhere(logger, joins.Count - ours.Count);

        await PublishAsync(ours, now, cancellationToken);
        return ours;
    }

    // The events of joined outcomes as stored (their predictions read back from the log), at their join time.
    private async Task PublishStoredAsync(IReadOnlyList<Outcome> joined, CancellationToken cancellationToken)
    {
        var predictionIds = joined.SelectMany(outcome => outcome.Joins.Select(join => join.PredictionId)).Distinct().ToList();
        var logged = (await predictions.FindManyAsync(predictionIds, cancellationToken)).ToDictionary(prediction => prediction.PredictionId);
        foreach (var outcome in joined)
        {
            var joining = new OutcomeJoining(outcome, outcome.Joins.Select(join => logged.GetValueOrDefault(join.PredictionId)).OfType<PredictionMade>().ToList());
            await PublishAsync([joining], outcome.JoinedAt ?? time.GetUtcNow(), cancellationToken);
        }

        LogRepublished(logger, joined.Count);
    }

    private async Task PublishAsync(IReadOnlyCollection<OutcomeJoining> joins, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        if (joins.Count == 0)
            return;
        var events = joins.SelectMany(join => join.Predictions.Select(prediction => Recorded(join.Outcome, prediction, recordedAt))).ToList();
        // Straight to the broker, not through a consumer's outbox: the events must be out before the outcome
        // is marked published (see the remarks above).
        await bus.PublishBatch(events, cancellationToken);
        foreach (var recorded in events)
            metrics.Recorded(recorded.ModelName, recorded.ModelVersion);
        foreach (var join in joins)
            await outcomes.UpdateAsync(join.Outcome.OutcomeId, stored => stored.MarkedPublished(), cancellationToken);
        LogPublished(logger, joins.Count, events.Count);
    }

    private static OutcomeRecorded Recorded(Outcome outcome, PredictionMade prediction, DateTimeOffset now) => new(
        outcome.EventId,
        prediction.PredictionId,
        prediction.ModelName,
        prediction.ModelVersion,
        prediction.EntityKey ?? outcome.EntityKey,
        prediction.Source,
        outcome.Value,
        outcome.Label,
        prediction.Input,
        prediction.Features,
        prediction.Label,
        prediction.Probability,
        prediction.Value,
        prediction.PredictedAt,
        outcome.ObservedAt,
        now)
    {
        Probabilities = prediction.Probabilities,
        ReportedBy = outcome.ReportedBy,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Events} OutcomeRecorded events of {Outcomes} joined outcomes")]
    private static partial void LogPublished(ILogger logger, int outcomes, int events);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Outcomes} outcomes were joined meanwhile by another writer, which publishes them")]
    private static partial void LogJoinedElsewhere(ILogger logger, int outcomes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the events of {Outcomes} outcomes left joined but unpublished by an earlier attempt")]
    private static partial void LogRepublished(ILogger logger, int outcomes);

    // One outcome and the predictions it joins now.
    private sealed record OutcomeJoining(Outcome Outcome, IReadOnlyList<PredictionMade> Predictions);
}
