using Replay.Flights;

namespace Replay.Streaming;

/// <summary>What the replay publishes for a flight.</summary>
public enum ReplayEventKind
{
    /// <summary>A prediction request, <c>--lead</c> before the scheduled departure.</summary>
    Request,

    /// <summary>The true delay, once the flight has left (plus <c>--outcome-lag</c>).</summary>
    Outcome,
}

/// <summary>One message of the replay, at its stream time.</summary>
/// <param name="StreamTime">When, in the flights' own time, the message is due.</param>
/// <param name="Kind">Request or outcome.</param>
/// <param name="Sequence">The flight's number in this replay (0, 1, …), shared by its request and its outcome.</param>
/// <param name="Flight">The flight.</param>
public readonly record struct ReplayEvent(DateTime StreamTime, ReplayEventKind Kind, long Sequence, ScheduledFlight Flight);
