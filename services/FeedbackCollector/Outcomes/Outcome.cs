using System.Text.Json.Serialization;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// Ground truth as FeedbackCollector keeps it: what the caller said (the prediction it belongs to, or the
/// model and entity key it is about; the observed value or label), and what became of it (joined to which
/// predictions, still pending, or orphaned).
/// </summary>
/// <param name="OutcomeId">The caller's id, or one derived from what identifies the outcome (<see cref="OutcomeIds"/>).</param>
/// <param name="PredictionId">The prediction the caller named, if any (it decides the join when given).</param>
/// <param name="ModelName">The model the caller named, or the model of the prediction it was joined to.</param>
/// <param name="EntityKey">The caller's key of the thing predicted, if given.</param>
/// <param name="ObservedAt">When the outcome happened, as the caller said (or when it was received).</param>
/// <param name="Value">The observed value, when it is a number (e.g. a delay of 37 minutes).</param>
/// <param name="Label">The observed label, when it is text.</param>
/// <param name="ReceivedAt">When FeedbackCollector first received it (the hold time counts from here).</param>
/// <param name="State">Joined, pending or orphaned.</param>
/// <param name="Joins">The predictions it was joined to (one per model version), empty unless joined.</param>
/// <param name="JoinedAt">When it was joined.</param>
/// <param name="Duplicates">How many more times the same outcome was received after the first.</param>
/// <param name="Published">Whether its <c>OutcomeRecorded</c> events went out (false from joined until then: the outbox flag).</param>
/// <param name="ReportedBy">
/// Its source, who reported it (<see cref="OutcomeSources"/>): <c>key:&lt;key id&gt;</c> or <c>token:&lt;subject&gt;</c> over HTTP,
/// <c>anonymous</c> over HTTP with security turned off, <c>broker:&lt;user&gt;</c> from a trusted broker user. Null only
/// for outcomes stored before sources were kept. A copy keeps the first's.
/// </param>
public sealed record Outcome(
    string OutcomeId,
    Guid? PredictionId,
    string? ModelName,
    string? EntityKey,
    DateTimeOffset ObservedAt,
    double? Value,
    string? Label,
    DateTimeOffset ReceivedAt,
    OutcomeState State,
    IReadOnlyList<OutcomeJoin> Joins,
    DateTimeOffset? JoinedAt,
    long Duplicates,
    bool Published = false,
    string? ReportedBy = null)
{
    /// <summary>The id of the <c>OutcomeRecorded</c> events of this outcome (the id itself when it is a UUID).</summary>
    [JsonIgnore]
    public Guid EventId => OutcomeIds.EventIdOf(OutcomeId);

    /// <summary>A new outcome, as received: pending, not joined, no duplicates yet.</summary>
    public static Outcome Received(
        string outcomeId, Guid? predictionId, string? modelName, string? entityKey, DateTimeOffset observedAt, double? value, string? label, DateTimeOffset receivedAt) =>
        new(outcomeId, predictionId, modelName, entityKey, observedAt, value, label, receivedAt, OutcomeState.Pending, [], null, 0);

    /// <summary>This outcome with one more copy counted (a copy is never stored, whatever its state).</summary>
    public Outcome WithDuplicate() => this with { Duplicates = Duplicates + 1 };

    /// <summary>
    /// This outcome joined as <paramref name="join"/> says, its events not yet published (the outbox flag); null unless
    /// it is pending: an outcome another writer joined or orphaned first stays as it is, and that writer publishes.
    /// </summary>
    public Outcome? JoinedTo(JoinedOutcome join)
    {
        ArgumentNullException.ThrowIfNull(join);
        return State == OutcomeState.Pending
            ? this with { State = OutcomeState.Joined, ModelName = join.ModelName, Joins = join.Joins, JoinedAt = join.JoinedAt, Published = false }
            : null;
    }

    /// <summary>This outcome with its events recorded as published; null unless it is joined and not marked yet.</summary>
    public Outcome? MarkedPublished() => State == OutcomeState.Joined && !Published ? this with { Published = true } : null;

    /// <summary>This outcome orphaned (no longer looked for); null unless it is pending.</summary>
    public Outcome? Orphaned() => State == OutcomeState.Pending ? this with { State = OutcomeState.Orphaned } : null;
}

/// <summary>What became of an outcome.</summary>
public enum OutcomeState
{
    /// <summary>Its prediction is not logged (yet): held until it is, or until the hold time is over.</summary>
    Pending,

    /// <summary>Joined to its prediction(s); <c>OutcomeRecorded</c> was published for each.</summary>
    Joined,

    /// <summary>No prediction matched within the hold time; kept and counted, no longer looked for.</summary>
    Orphaned,
}

/// <summary>One prediction an outcome was joined to.</summary>
/// <param name="PredictionId">The prediction.</param>
/// <param name="ModelVersion">The version that made it (an entity-key outcome joins one prediction per version).</param>
public sealed record OutcomeJoin(Guid PredictionId, string ModelVersion);

/// <summary>The outcome <see cref="OutcomeStore.AddManyAsync"/> holds for one it was given.</summary>
/// <param name="Stored">The outcome as stored: the one given when new, else the earlier one (with its duplicate counted).</param>
/// <param name="IsNew">Whether it was stored now; <see langword="false"/> for a duplicate.</param>
public sealed record OutcomeAdmission(Outcome Stored, bool IsNew);

/// <summary>An outcome to mark joined (<see cref="Outcome.JoinedTo"/>).</summary>
/// <param name="OutcomeId">The outcome.</param>
/// <param name="ModelName">The model of the predictions.</param>
/// <param name="Joins">The predictions, one per model version.</param>
/// <param name="JoinedAt">When.</param>
public sealed record JoinedOutcome(string OutcomeId, string ModelName, IReadOnlyList<OutcomeJoin> Joins, DateTimeOffset JoinedAt);

/// <summary>A model and one of its entity keys.</summary>
public sealed record EntityRef(string ModelName, string EntityKey);

/// <summary>How many outcomes are in each state, and how many duplicates were refused.</summary>
/// <param name="Joined">Outcomes joined to their predictions.</param>
/// <param name="Pending">Outcomes waiting for their predictions.</param>
/// <param name="Orphaned">Outcomes no prediction matched within the hold time.</param>
/// <param name="Duplicates">Copies received of outcomes already stored.</param>
public sealed record OutcomeTally(long Joined, long Pending, long Orphaned, long Duplicates)
{
    /// <summary>Nothing counted.</summary>
    public static OutcomeTally Zero { get; } = new(0, 0, 0, 0);

    /// <summary><paramref name="count"/> outcomes in <paramref name="state"/>, with <paramref name="duplicates"/> copies of them.</summary>
    public static OutcomeTally Of(OutcomeState state, long count, long duplicates) => state switch
    {
        OutcomeState.Joined => new(count, 0, 0, duplicates),
        OutcomeState.Pending => new(0, count, 0, duplicates),
        _ => new(0, 0, count, duplicates),
    };

    /// <summary>Distinct outcomes received (every one is joined, pending or orphaned).</summary>
    public long Received => Joined + Pending + Orphaned;

    /// <summary>This tally plus <paramref name="other"/>.</summary>
    public OutcomeTally Plus(OutcomeTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Joined + other.Joined, Pending + other.Pending, Orphaned + other.Orphaned, Duplicates + other.Duplicates);
    }
}

/// <summary>The tallies of every outcome, of each model's and of each source's.</summary>
/// <param name="Total">Every outcome, including those whose model is not known yet (pending by prediction id).</param>
/// <param name="Models">Per model, by name.</param>
/// <param name="Sources">Per model (null: not known yet) and source (<see cref="Outcome.ReportedBy"/>; null: not known), in no order.</param>
public sealed record OutcomeCounts(OutcomeTally Total, IReadOnlyDictionary<string, OutcomeTally> Models, IReadOnlyList<SourceTally> Sources)
{
    /// <summary>The tallies per source, of every model (<paramref name="model"/> null) or of one model; null source (not known) last.</summary>
    public IReadOnlyList<(string? ReportedBy, OutcomeTally Tally)> BySource(string? model = null) =>
        [.. Sources.Where(source => model is null || string.Equals(source.Model, model, StringComparison.Ordinal))
            .GroupBy(source => source.ReportedBy)
            .Select(group => (group.Key, group.Aggregate(OutcomeTally.Zero, (sum, source) => sum.Plus(source.Tally))))
            .OrderBy(source => source.Key is null)
            .ThenBy(source => source.Key, StringComparer.Ordinal)];
}

/// <summary>The outcomes of one model and one source.</summary>
/// <param name="Model">The model; null for outcomes whose model is not known yet.</param>
/// <param name="ReportedBy">The source (<see cref="Outcome.ReportedBy"/>); null when not known.</param>
/// <param name="Tally">Their tally.</param>
public sealed record SourceTally(string? Model, string? ReportedBy, OutcomeTally Tally);
