using Monitor.References;

namespace Monitor.Windows;

/// <summary>
/// The windows of one model version, updated as predictions and outcomes arrive: the open time bucket, the
/// closed buckets of the time window, and the count windows (predictions and outcomes), each kept as ten
/// slices so the window slides by a tenth without keeping any prediction; and, while the version has no reference, the
/// live reference being collected. Not thread-safe: callers lock it.
/// </summary>
public sealed class VersionWindows
{
    private const int Slices = 10;
    private readonly int _predictionSlice;
    private readonly int _outcomeSlice;
    private readonly int _timeBuckets;
    private readonly Queue<OutcomeAggregate> _outcomeSlices = new();
    private Queue<PredictionAggregate> _predictionSlices = new();
    private LinkedList<TimeBucket> _closedBuckets = new();
    private ReferenceProfile _profile;
    private PredictionAggregate _openPredictionSlice;
    private OutcomeAggregate _openOutcomeSlice = new();

    /// <summary>Empty windows for a version with <paramref name="profile"/>.</summary>
    public VersionWindows(ReferenceProfile profile, MonitoringOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        _profile = profile;
        _predictionSlice = Math.Max(1, options.CountWindow / Slices);
        _outcomeSlice = Math.Max(1, options.OutcomeCountWindow / Slices);
        _timeBuckets = Math.Max(1, (int)Math.Ceiling(options.TimeWindow / options.BucketDuration));
        BucketDuration = options.BucketDuration;
        _openPredictionSlice = profile.NewPredictionAggregate();
        Open = new TimeBucket(BucketStart(now), BucketDuration, profile.NewPredictionAggregate(), new OutcomeAggregate());
        CountDescription = $"last {options.CountWindow} predictions";
        OutcomeCountDescription = $"last {options.OutcomeCountWindow} outcomes";
        TimeDescription = $"last {Describe(options.TimeWindow)}";
    }

    /// <summary>The version's reference profile (changed by <see cref="Rebase"/>).</summary>
    public ReferenceProfile Profile => _profile;

    /// <summary>While the version has no reference: the live one being collected from its predictions; else null.</summary>
    public LiveReference? CollectingReference { get; set; }

    /// <summary>Length of a time bucket.</summary>
    public TimeSpan BucketDuration { get; }

    /// <summary>The open time bucket.</summary>
    public TimeBucket Open { get; private set; }

    /// <summary>Predictions counted since Monitor started (or the version was first seen).</summary>
    public long Predictions { get; private set; }

    /// <summary>Outcomes counted since Monitor started.</summary>
    public long Outcomes { get; private set; }

    /// <summary>When the latest prediction arrived at Monitor.</summary>
    public DateTimeOffset? LastPredictionAt { get; private set; }

    /// <summary>When the first prediction arrived at Monitor.</summary>
    public DateTimeOffset? FirstPredictionAt { get; private set; }

    /// <summary>Whether the open bucket changed since it was last saved.</summary>
    public bool OpenChanged { get; set; }

    private string CountDescription { get; }

    private string OutcomeCountDescription { get; }

    private string TimeDescription { get; }

    /// <summary>Counts one prediction; true when it completed a slice of the prediction count window (time to evaluate count rules).</summary>
    public bool AddPrediction(ReadOnlySpan<float> features, PredictionOutput output, DateTimeOffset receivedAt, double latencyMilliseconds, DateTimeOffset now)
    {
        _profile.AddPrediction(Open.Predictions, features, output, receivedAt, latencyMilliseconds);
        _profile.AddPrediction(_openPredictionSlice, features, output, receivedAt, latencyMilliseconds);
        Predictions++;
        FirstPredictionAt ??= now;
        LastPredictionAt = now;
        OpenChanged = true;
        if (_openPredictionSlice.Rows < _predictionSlice)
            return false;
        _predictionSlices.Enqueue(_openPredictionSlice);
        while (_predictionSlices.Count > Slices)
            _predictionSlices.Dequeue();
        _openPredictionSlice = _profile.NewPredictionAggregate();
        return true;
    }

    /// <summary>Counts one outcome; true when it completed a slice of the outcome count window.</summary>
    public bool AddOutcome(ReadOnlySpan<float> features, ObservedOutcome outcome, DateTimeOffset now)
    {
        _profile.AddOutcome(Open.Outcomes, features, outcome, now);
        _profile.AddOutcome(_openOutcomeSlice, features, outcome, now);
        Outcomes++;
        OpenChanged = true;
        if (_openOutcomeSlice.Rows < _outcomeSlice)
            return false;
        _outcomeSlices.Enqueue(_openOutcomeSlice);
        while (_outcomeSlices.Count > Slices)
            _outcomeSlices.Dequeue();
        _openOutcomeSlice = new OutcomeAggregate();
        return true;
    }

    /// <summary>
    /// Closes the open bucket when <paramref name="now"/> is past its end, opening the one <paramref name="now"/> is in.
    /// Returns the closed bucket, or null when it is still open.
    /// </summary>
    public TimeBucket? CloseBucketIfDue(DateTimeOffset now)
    {
        if (now < Open.End)
            return null;
        var closed = Open;
        _closedBuckets.AddLast(closed);
        while (_closedBuckets.Count > _timeBuckets)
            _closedBuckets.RemoveFirst();
        Open = new TimeBucket(BucketStart(now), BucketDuration, _profile.NewPredictionAggregate(), new OutcomeAggregate());
        OpenChanged = false;
        return closed;
    }

    /// <summary>
    /// Compares the windows with <paramref name="profile"/> from now on (a new reference): the prediction counts of every
    /// column whose bins stay the same are kept, those of a column with new bins (or a new column) start again from zero,
    /// as Monitor keeps no predictions to count again; everything else (outputs' probabilities and values, latencies,
    /// outcomes) is kept.
    /// </summary>
    public void Rebase(ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _predictionSlices = new Queue<PredictionAggregate>(_predictionSlices.Select(profile.Align));
        _openPredictionSlice = profile.Align(_openPredictionSlice);
        // New buckets, not changed ones: a closed bucket may be being read or saved outside the lock.
        _closedBuckets = new LinkedList<TimeBucket>(_closedBuckets.Select(bucket => bucket with { Predictions = profile.Align(bucket.Predictions) }));
        Open = Open with { Predictions = profile.Align(Open.Predictions) };
        OpenChanged = true;
    }

    /// <summary>Restores a bucket saved before a restart into the time window (oldest first), its columns matched to the profile's.</summary>
    public void Restore(TimeBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        bucket = bucket with { Predictions = _profile.Align(bucket.Predictions) };
        if (bucket.Predictions.Last is { } last && (LastPredictionAt is null || last > LastPredictionAt))
            LastPredictionAt = last;
        if (bucket.Start == Open.Start)
        {
            Open.Predictions.Add(bucket.Predictions);
            Open.Outcomes.Add(bucket.Outcomes);
            return;
        }

        _closedBuckets.AddLast(bucket);
        while (_closedBuckets.Count > _timeBuckets)
            _closedBuckets.RemoveFirst();
    }

    /// <summary>
    /// The buckets in memory that start from <paramref name="from"/> to before <paramref name="to"/>: the closed
    /// ones of the time window as they are (nothing changes a bucket once it is closed) and a copy of the open one.
    /// </summary>
    public List<TimeBucket> BucketsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var buckets = _closedBuckets.Where(bucket => bucket.Start >= from && bucket.Start < to).ToList();
        if (Open.Start >= from && Open.Start < to)
        {
            var content = BucketContent.FromJson(new BucketContent(Open.Predictions, Open.Outcomes).ToJson());
            buckets.Add(Open with { Predictions = content.Predictions, Outcomes = content.Outcomes });
        }

        return buckets;
    }

    /// <summary>The count window: the last full slices (up to ten) of predictions and of outcomes.</summary>
    public WindowSnapshot CountWindow()
    {
        var predictions = _profile.NewPredictionAggregate();
        foreach (var slice in _predictionSlices)
            predictions.Add(slice);
        var outcomes = new OutcomeAggregate();
        foreach (var slice in _outcomeSlices)
            outcomes.Add(slice);
        return new WindowSnapshot(WindowKindName.Count, CountDescription, OutcomeCountDescription, _profile, predictions, outcomes,
            PredictionsComplete: _predictionSlices.Count == Slices, OutcomesComplete: _outcomeSlices.Count == Slices, CollectingReference?.Progress);
    }

    /// <summary>The time window: the closed buckets of the last period and the open one.</summary>
    public WindowSnapshot TimeWindow()
    {
        var predictions = _profile.NewPredictionAggregate();
        var outcomes = new OutcomeAggregate();
        foreach (var bucket in _closedBuckets)
        {
            predictions.Add(bucket.Predictions);
            outcomes.Add(bucket.Outcomes);
        }

        predictions.Add(Open.Predictions);
        outcomes.Add(Open.Outcomes);
        return new WindowSnapshot(WindowKindName.Time, TimeDescription, TimeDescription, _profile, predictions, outcomes, PredictionsComplete: true, OutcomesComplete: true,
            CollectingReference?.Progress);
    }

    private DateTimeOffset BucketStart(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % BucketDuration.Ticks, TimeSpan.Zero);

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} h"
        : span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}

/// <summary>One time bucket of a model version: [Start, Start + duration).</summary>
public sealed record TimeBucket(DateTimeOffset Start, TimeSpan Duration, PredictionAggregate Predictions, OutcomeAggregate Outcomes)
{
    /// <summary>The bucket's end (exclusive).</summary>
    public DateTimeOffset End => Start + Duration;
}

/// <summary>A window's merged counts.</summary>
/// <param name="Kind"><c>count</c> or <c>time</c>.</param>
/// <param name="Description">What the prediction side covers, e.g. <c>last 5000 predictions</c>.</param>
/// <param name="OutcomeDescription">What the outcome side covers, e.g. <c>last 2000 outcomes</c>.</param>
/// <param name="Profile">The profile the counts were made with (their columns are its columns).</param>
/// <param name="Predictions">The predictions' counts.</param>
/// <param name="Outcomes">The outcomes' counts.</param>
/// <param name="PredictionsComplete">
/// Whether the prediction side holds the whole window: a count window is complete once its N predictions have
/// arrived. Until then it is only the first part of the traffic (the first hours of a stream that has a daily and
/// weekly cycle), and the rules do not judge it.
/// </param>
/// <param name="OutcomesComplete">Whether the outcome side holds the whole window.</param>
/// <param name="LiveReference">While the version has no reference: how far its live one is.</param>
public sealed record WindowSnapshot(
    string Kind,
    string Description,
    string OutcomeDescription,
    ReferenceProfile Profile,
    PredictionAggregate Predictions,
    OutcomeAggregate Outcomes,
    bool PredictionsComplete,
    bool OutcomesComplete,
    LiveReferenceProgress? LiveReference);

/// <summary>The names of the window kinds in the API.</summary>
public static class WindowKindName
{
    /// <summary>The count window.</summary>
    public const string Count = "count";

    /// <summary>The time window.</summary>
    public const string Time = "time";
}
