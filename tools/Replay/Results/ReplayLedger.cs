using Modeling.Cards;
using Replay.Messages;
using Replay.Records;

namespace Replay.Results;

/// <summary>
/// Everything a replay sent and received, kept compactly (24 bytes per record) so a full six-month flights replay fits
/// in memory; turns into a <see cref="ReplayReport"/>. Written by the sending loop and by the broker's consumer
/// thread, hence the lock.
/// </summary>
public sealed class ReplayLedger
{
    private readonly Lock _gate = new();
    private readonly DateTime _firstPeriod;
    private readonly ReplayPeriod _period;
    private readonly ReplayTarget _target;
    private readonly List<Entry> _records = [];
    private readonly List<PeriodCounts> _periods = [];
    private readonly List<AlertResult> _alerts = [];
    private readonly List<LifecycleResult> _lifecycle = [];
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _outcomesSent, _duplicates, _others, _unroutableRequests, _unroutableOutcomes, _unreadable, _predictions, _outcomesHeld, _outcomesUnanswered;

    /// <summary>
    /// A ledger whose periods (<paramref name="period"/>) are counted from the one holding <paramref name="from"/>, judging
    /// predictions by <paramref name="target"/>.
    /// </summary>
    public ReplayLedger(DateTime from, ReplayPeriod period, ReplayTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _period = period;
        _firstPeriod = period.StartOf(from);
        _target = target;
    }

    /// <summary>What happened to a prediction that came back.</summary>
    public enum Match
    {
        /// <summary>The first prediction for one of the replay's requests.</summary>
        First,

        /// <summary>A request already answered.</summary>
        Duplicate,

        /// <summary>Not a request of this replay.</summary>
        Other,
    }

    /// <summary>Requests sent so far.</summary>
    public long RequestsSent
    {
        get
        {
            lock (_gate)
                return _records.Count;
        }
    }

    /// <summary>Outcomes sent so far.</summary>
    public long OutcomesSent => Interlocked.Read(ref _outcomesSent);

    /// <summary>Requests no queue took, so far.</summary>
    public long UnroutableRequests => Interlocked.Read(ref _unroutableRequests);

    /// <summary>Predictions matched so far.</summary>
    public long PredictionsReceived => Interlocked.Read(ref _predictions);

    /// <summary>Alerts recorded so far.</summary>
    public int AlertCount
    {
        get
        {
            lock (_gate)
                return _alerts.Count;
        }
    }

    /// <summary>
    /// Records the request for record number <paramref name="sequence"/>, before it is published (its prediction
    /// may come back before the publish is confirmed); requests are recorded in sequence order.
    /// </summary>
    /// <param name="sequence">The record's number in the run.</param>
    /// <param name="record">The record.</param>
    /// <param name="requestedAt">The stream time of the request.</param>
    /// <param name="baseline">The <c>--baseline</c> model's prediction for the record (as <see cref="ReplayTarget"/> keeps one), or NaN without one.</param>
    public void RequestSent(long sequence, ReplayRecord record, DateTime requestedAt, float baseline = float.NaN)
    {
        ArgumentNullException.ThrowIfNull(record);
        var truth = _target.Truth(record.Outcome);
        lock (_gate)
        {
            if (sequence != _records.Count)
                throw new InvalidOperationException($"request {sequence} recorded after {_records.Count} requests");
            var period = PeriodIndex(record.Time);
            _records.Add(new Entry(period, truth, float.NaN, baseline, requestedAt.Ticks));
            var counts = Period(period);
            counts.Sent++;
            if (!float.IsNaN(truth))
            {
                counts.Truths++;
                counts.TruthSum += truth;
                if (_target.Task == ModelTask.Multiclass && truth >= 0)
                    counts.Labels[(int)truth] = counts.Labels.GetValueOrDefault((int)truth) + 1;
            }
        }
    }

    /// <summary>Records an outcome sent.</summary>
    public void OutcomeSent(ReplayRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            Period(PeriodIndex(record.Time)).Outcomes++;
            _outcomesSent++;
        }
    }

    /// <summary>Whether the prediction for record <paramref name="sequence"/> has come back.</summary>
    public bool HasPrediction(long sequence)
    {
        lock (_gate)
            return sequence >= 0 && sequence < _records.Count && !float.IsNaN(_records[(int)sequence].Predicted);
    }

    /// <summary>Counts an outcome that was held back for its prediction; <paramref name="answered"/>: the prediction came in the hold.</summary>
    public void OutcomeHeld(bool answered)
    {
        Interlocked.Increment(ref _outcomesHeld);
        if (!answered)
            Interlocked.Increment(ref _outcomesUnanswered);
    }

    /// <summary>Counts a request (<paramref name="outcome"/> false) or an outcome the broker had no queue for.</summary>
    public void Unroutable(bool outcome)
    {
        if (outcome)
            Interlocked.Increment(ref _unroutableOutcomes);
        else
            Interlocked.Increment(ref _unroutableRequests);
    }

    /// <summary>
    /// Records the prediction for record <paramref name="sequence"/> (null: not one of this replay's requests):
    /// <paramref name="predicted"/> as <see cref="ReplayTarget.Predicted(PredictionReceived)"/> gives it (not NaN);
    /// <paramref name="requestedAt"/> is the stream time its request was sent at.
    /// </summary>
    public Match Predicted(long? sequence, double predicted, string? version, out DateTime requestedAt)
    {
        requestedAt = default;
        lock (_gate)
        {
            if (sequence is not { } number || number < 0 || number >= _records.Count)
            {
                _others++;
                return Match.Other;
            }

            var entry = _records[(int)number];
            requestedAt = new DateTime(entry.RequestedTicks);
            if (!float.IsNaN(entry.Predicted))
            {
                _duplicates++;
                return Match.Duplicate;
            }

            _records[(int)number] = entry with { Predicted = (float)predicted };
            var counts = Period(entry.Period);
            counts.Predicted++;
            counts.PredictionSum += predicted;
            counts.Versions[version ?? "?"] = counts.Versions.GetValueOrDefault(version ?? "?") + 1;
            _versions[version ?? "?"] = _versions.GetValueOrDefault(version ?? "?") + 1;
            _predictions++;
            return Match.First;
        }
    }

    /// <summary>Records an alert that arrived at <paramref name="streamTime"/>.</summary>
    public AlertResult Alerted(AlertReceived alert, DateTime streamTime, DateTime? windowEndStreamTime, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var result = new AlertResult(streamTime, windowEndStreamTime, receivedAt, alert.Kind, alert.Rule, alert.Version,
            [.. alert.Drifted.Select(column => column.Column)], alert.Metric, alert.Value, alert.Threshold, alert.Summary);
        lock (_gate)
            _alerts.Add(result);
        return result;
    }

    /// <summary>Records a model lifecycle event (a new version, a rollout change) that arrived at <paramref name="streamTime"/>.</summary>
    public LifecycleResult Lifecycle(LifecycleReceived change, DateTime streamTime, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        var result = new LifecycleResult(streamTime, receivedAt, change.Event, change.Version, change.Detail);
        lock (_gate)
            _lifecycle.Add(result);
        return result;
    }

    /// <summary>Counts a message that could not be read.</summary>
    public void Unreadable() => Interlocked.Increment(ref _unreadable);

    /// <summary>The report of everything recorded.</summary>
    public ReplayReport Report(string runId, ReplayOptions options, DateTimeOffset startedAt, TimeSpan duration, bool completed)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            var periods = new List<PeriodResult>();
            for (var index = 0; index < _periods.Count; index++)
            {
                var counts = _periods[index];
                var start = _firstPeriod.AddMonths(index * _period.Months());
                var end = start.AddMonths(_period.Months());
                var answered = _records.Where(entry => entry.Period == index && !float.IsNaN(entry.Predicted)).ToList();
                var withBaseline = answered.Where(entry => !float.IsNaN(entry.Baseline)).ToList();
                periods.Add(new PeriodResult(
                    _period.NameOf(start),
                    counts.Sent,
                    counts.Outcomes,
                    counts.Predicted,
                    _target.Task != ModelTask.Multiclass && counts.Truths > 0 ? counts.TruthSum / counts.Truths : null,
                    _target.Task != ModelTask.Multiclass && counts.Predicted > 0 ? counts.PredictionSum / counts.Predicted : null,
                    LabelShares(counts),
                    LiveMetrics.Of(_target.Task, _target.Labels, answered.Select(entry => (entry.Truth, entry.Predicted))),
                    withBaseline.Count > 0 ? LiveMetrics.Of(_target.Task, _target.Labels, withBaseline.Select(entry => (entry.Truth, entry.Baseline))) : null,
                    new SortedDictionary<string, long>(counts.Versions, StringComparer.Ordinal),
                    _alerts.Count(alert => alert.StreamTime >= start && alert.StreamTime < end)));
            }

            var totals = new ReplayTotals(_records.Count, _outcomesSent, _predictions, _duplicates, _others, Interlocked.Read(ref _unroutableRequests),
                Interlocked.Read(ref _unroutableOutcomes), Interlocked.Read(ref _unreadable), Interlocked.Read(ref _outcomesHeld), Interlocked.Read(ref _outcomesUnanswered), new SortedDictionary<string, long>(_versions, StringComparer.Ordinal));
            var inTraining = _alerts.Count(alert => alert.StreamTime >= options.TrainingFrom && alert.StreamTime < options.TrainingTo);
            return new ReplayReport(runId, ReplaySettings.Of(options, _target), startedAt, duration, completed, totals, periods, [.. _alerts], inTraining, [.. _lifecycle]);
        }
    }

    // Multiclass: the share of each true label among the period's records with a truth, most frequent first.
    private Dictionary<string, double> LabelShares(PeriodCounts counts) =>
        counts.Labels
            .OrderByDescending(label => label.Value)
            .ThenBy(label => label.Key)
            .ToDictionary(label => _target.Labels[label.Key], label => (double)label.Value / counts.Truths, StringComparer.Ordinal);

    private int PeriodIndex(DateTime time)
    {
        var start = _period.StartOf(time);
        return ((start.Year - _firstPeriod.Year) * 12 + start.Month - _firstPeriod.Month) / _period.Months();
    }

    private PeriodCounts Period(int index)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, "a record before the replay's first period");
        while (_periods.Count <= index)
            _periods.Add(new PeriodCounts());
        return _periods[index];
    }

    private record struct Entry(int Period, float Truth, float Predicted, float Baseline, long RequestedTicks);

    private sealed class PeriodCounts
    {
        public long Sent;
        public long Outcomes;
        public long Predicted;
        public long Truths;
        public double TruthSum;
        public double PredictionSum;
        public readonly Dictionary<int, long> Labels = [];
        public readonly Dictionary<string, long> Versions = new(StringComparer.Ordinal);
    }
}
