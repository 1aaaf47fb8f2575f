using Replay.Flights;
using Replay.Messages;

namespace Replay.Results;

/// <summary>
/// Everything a replay sent and received, kept compactly (20 bytes per flight) so a full six-month replay fits in
/// memory; turns into a <see cref="ReplayReport"/>. Written by the sending loop and by the broker's consumer
/// thread, hence the lock.
/// </summary>
public sealed class ReplayLedger
{
    private readonly Lock _gate = new();
    private readonly DateTime _firstMonth;
    private readonly List<Entry> _flights = [];
    private readonly List<MonthCounts> _months = [];
    private readonly List<AlertResult> _alerts = [];
    private readonly List<LifecycleResult> _lifecycle = [];
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _outcomesSent, _duplicates, _others, _unroutableRequests, _unroutableOutcomes, _unreadable, _predictions, _outcomesHeld, _outcomesUnanswered;

    /// <summary>A ledger whose months are counted from the month of <paramref name="from"/>.</summary>
    public ReplayLedger(DateTime from)
    {
        _firstMonth = new DateTime(from.Year, from.Month, 1);
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
                return _flights.Count;
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
    /// Records the request for flight number <paramref name="sequence"/>, before it is published (its prediction
    /// may come back before the publish is confirmed); requests are recorded in sequence order.
    /// </summary>
    /// <param name="sequence">The flight's number in the run.</param>
    /// <param name="flight">The flight.</param>
    /// <param name="requestedAt">The stream time of the request.</param>
    /// <param name="baselineProbability">The <c>--baseline</c> model's probability for the flight, or NaN without one.</param>
    public void RequestSent(long sequence, in ScheduledFlight flight, DateTime requestedAt, float baselineProbability = float.NaN)
    {
        lock (_gate)
        {
            if (sequence != _flights.Count)
                throw new InvalidOperationException($"request {sequence} recorded after {_flights.Count} requests");
            var month = MonthIndex(flight.Departure);
            _flights.Add(new Entry((short)month, flight.Flight.IsLate, float.NaN, baselineProbability, requestedAt.Ticks));
            var counts = Month(month);
            counts.Sent++;
            if (flight.Flight.IsLate)
                counts.Late++;
        }
    }

    /// <summary>Records an outcome sent.</summary>
    public void OutcomeSent(in ScheduledFlight flight)
    {
        lock (_gate)
        {
            Month(MonthIndex(flight.Departure)).Outcomes++;
            _outcomesSent++;
        }
    }

    /// <summary>Whether the prediction for flight <paramref name="sequence"/> has come back.</summary>
    public bool HasPrediction(long sequence)
    {
        lock (_gate)
            return sequence >= 0 && sequence < _flights.Count && !float.IsNaN(_flights[(int)sequence].Probability);
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
    /// Records the prediction for flight <paramref name="sequence"/> (null: not one of this replay's requests);
    /// <paramref name="requestedAt"/> is the stream time its request was sent at.
    /// </summary>
    public Match Predicted(long? sequence, double probability, string? version, out DateTime requestedAt)
    {
        requestedAt = default;
        lock (_gate)
        {
            if (sequence is not { } number || number < 0 || number >= _flights.Count)
            {
                _others++;
                return Match.Other;
            }

            var entry = _flights[(int)number];
            requestedAt = new DateTime(entry.RequestedTicks);
            if (!float.IsNaN(entry.Probability))
            {
                _duplicates++;
                return Match.Duplicate;
            }

            _flights[(int)number] = entry with { Probability = (float)probability };
            var counts = Month(entry.Month);
            counts.Predicted++;
            counts.ProbabilitySum += probability;
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
            var months = new List<MonthResult>();
            for (var index = 0; index < _months.Count; index++)
            {
                var counts = _months[index];
                var start = _firstMonth.AddMonths(index);
                months.Add(new MonthResult(
                    start.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                    counts.Sent,
                    counts.Outcomes,
                    counts.Predicted,
                    counts.Sent > 0 ? (double)counts.Late / counts.Sent : null,
                    counts.Predicted > 0 ? counts.ProbabilitySum / counts.Predicted : null,
                    LiveAuc(index),
                    BaselineAuc(index),
                    new SortedDictionary<string, long>(counts.Versions, StringComparer.Ordinal),
                    _alerts.Count(alert => alert.StreamTime >= start && alert.StreamTime < start.AddMonths(1))));
            }

            var totals = new ReplayTotals(_flights.Count, _outcomesSent, _predictions, _duplicates, _others, Interlocked.Read(ref _unroutableRequests),
                Interlocked.Read(ref _unroutableOutcomes), Interlocked.Read(ref _unreadable), Interlocked.Read(ref _outcomesHeld), Interlocked.Read(ref _outcomesUnanswered), new SortedDictionary<string, long>(_versions, StringComparer.Ordinal));
            var inTraining = _alerts.Count(alert => alert.StreamTime >= options.TrainingFrom && alert.StreamTime < options.TrainingTo);
            return new ReplayReport(runId, ReplaySettings.Of(options), startedAt, duration, completed, totals, months, [.. _alerts], inTraining, [.. _lifecycle]);
        }
    }

    private double? LiveAuc(int month)
    {
        var scores = new List<float>();
        var labels = new List<bool>();
        foreach (var entry in _flights)
        {
            if (entry.Month == month && !float.IsNaN(entry.Probability))
            {
                scores.Add(entry.Probability);
                labels.Add(entry.Late);
            }
        }

        return RocAuc.Of(scores, labels);
    }

    // The baseline on the same flights as the live AUC: those the platform answered.
    private double? BaselineAuc(int month)
    {
        var scores = new List<float>();
        var labels = new List<bool>();
        foreach (var entry in _flights)
        {
            if (entry.Month == month && !float.IsNaN(entry.Probability) && !float.IsNaN(entry.Baseline))
            {
                scores.Add(entry.Baseline);
                labels.Add(entry.Late);
            }
        }

        return scores.Count > 0 ? RocAuc.Of(scores, labels) : null;
    }

    private int MonthIndex(DateTime departure) => (departure.Year - _firstMonth.Year) * 12 + departure.Month - _firstMonth.Month;

    private MonthCounts Month(int index)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, "a flight before the replay's first month");
        while (_months.Count <= index)
            _months.Add(new MonthCounts());
        return _months[index];
    }

    private record struct Entry(short Month, bool Late, float Probability, float Baseline, long RequestedTicks);

    private sealed class MonthCounts
    {
        public long Sent;
        public long Outcomes;
        public long Predicted;
        public long Late;
        public double ProbabilitySum;
        public readonly Dictionary<string, long> Versions = new(StringComparer.Ordinal);
    }
}
