using System.Runtime.CompilerServices;
using Replay.Flights;

namespace Replay.Streaming;

/// <summary>
/// Turns flights in departure order into the replay's messages in stream-time order: each flight's request at
/// departure − lead, and its outcome at departure + max(delay, 0) + outcome lag. Outcomes come out of order with
/// respect to the requests (a late flight's outcome comes after later flights' requests), so they wait in a
/// priority queue; only the outcomes of flights still in the air are held, never the whole range.
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

    /// <summary>When the prediction for <paramref name="flight"/> is requested.</summary>
    public DateTime RequestTime(in ScheduledFlight flight) => flight.Departure - _lead;

    /// <summary>When the outcome of <paramref name="flight"/> is published: the departure plus its delay (early flights: the departure) plus the lag.</summary>
    public DateTime OutcomeTime(in ScheduledFlight flight) =>
        flight.Departure + TimeSpan.FromMinutes(Math.Max(flight.Flight.Delay, 0)) + _outcomeLag;

    /// <summary>
    /// The messages of <paramref name="flights"/> (which must come in departure order) in stream-time order.
    /// At equal times an outcome comes before a request (what happened is known before what is asked next);
    /// a flight's own outcome never comes before its request, since the lead is not negative.
    /// </summary>
    public async IAsyncEnumerable<ReplayEvent> EventsAsync(IAsyncEnumerable<ScheduledFlight> flights, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flights);
        var pending = new PriorityQueue<ReplayEvent, (DateTime, long)>();
        long sequence = 0;
        var previous = DateTime.MinValue;
        await foreach (var flight in flights.WithCancellation(cancellationToken))
        {
            if (flight.Departure < previous)
                throw new InvalidOperationException($"flights must come in departure order: {flight.EntityKey} after a flight at {previous:s}");
            previous = flight.Departure;

            var requestAt = RequestTime(flight);
            while (pending.TryPeek(out var outcome, out var due) && due.Item1 <= requestAt)
            {
                pending.Dequeue();
                yield return outcome;
            }

            yield return new ReplayEvent(requestAt, ReplayEventKind.Request, sequence, flight);
            if (_outcomes)
            {
                var outcomeAt = OutcomeTime(flight);
                pending.Enqueue(new ReplayEvent(outcomeAt, ReplayEventKind.Outcome, sequence, flight), (outcomeAt, sequence));
            }

            sequence++;
        }

        while (pending.TryDequeue(out var outcome, out _))
            yield return outcome;
    }
}
