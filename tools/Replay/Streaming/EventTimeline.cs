using System.Runtime.CompilerServices;
using Modeling.Features;
using Replay.Records;

namespace Replay.Streaming;

/// <summary>
/// Turns records in time order into the replay's messages in stream-time order: each record's request at its time −
/// lead, and its outcome when it becomes known (<see cref="ReplayRecord.OutcomeTime"/>: a flight's departure + its
/// delay) + outcome lag. Outcomes may come out of order with respect to the requests (a late flight's outcome comes
/// after later flights' requests), so they wait in a priority queue; only the outcomes not yet known are held, never
/// the whole range. A record without an outcome (its label field is empty) gets a request only.
/// </summary>
public sealed class EventTimeline
{
    private readonly TimeSpan _lead;
    private readonly TimeSpan _outcomeLag;
    private readonly bool _outcomes;

    /// <summary>A timeline with the given lead and outcome lag; without outcomes when <paramref name="outcomes"/> is false.</summary>
    public EventTimeline(TimeSpan lead, TimeSpan outcomeLag, bool outcomes = true)
    {
        if (lead < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lead), lead, "the lead must not be negative");
        if (outcomeLag < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(outcomeLag), outcomeLag, "the outcome lag must not be negative");
        _lead = lead;
        _outcomeLag = outcomeLag;
        _outcomes = outcomes;
    }

    /// <summary>When the prediction for <paramref name="record"/> is requested.</summary>
    public DateTime RequestTime(ReplayRecord record) => record.Time - _lead;

    /// <summary>When the outcome of <paramref name="record"/> is published: when it is known (never before the record's time) plus the lag.</summary>
    public DateTime OutcomeTime(ReplayRecord record) => (record.OutcomeTime > record.Time ? record.OutcomeTime : record.Time) + _outcomeLag;

    /// <summary>
    /// The messages of <paramref name="records"/> (which must come in time order) in stream-time order.
    /// At equal times an outcome comes before a request (what happened is known before what is asked next);
    /// a record's own outcome never comes before its request, since the lead is not negative.
    /// </summary>
    public async IAsyncEnumerable<ReplayEvent> EventsAsync(IAsyncEnumerable<ReplayRecord> records, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var pending = new PriorityQueue<ReplayEvent, (DateTime, long)>();
        long sequence = 0;
        var previous = DateTime.MinValue;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (record.Time < previous)
                throw new InvalidOperationException($"records must come in time order: {record.EntityKey} after a record at {previous:s}");
            previous = record.Time;

            var requestAt = RequestTime(record);
            while (pending.TryPeek(out var outcome, out var due) && due.Item1 <= requestAt)
            {
                pending.Dequeue();
                yield return outcome;
            }

            yield return new ReplayEvent(requestAt, ReplayEventKind.Request, sequence, record);
            if (_outcomes && record.Outcome.Kind != RawValueKind.Missing)
            {
                var outcomeAt = OutcomeTime(record);
                pending.Enqueue(new ReplayEvent(outcomeAt, ReplayEventKind.Outcome, sequence, record), (outcomeAt, sequence));
            }

            sequence++;
        }

        while (pending.TryDequeue(out var outcome, out _))
            yield return outcome;
    }
}
