using Replay.Records;

namespace Replay.Streaming;

/// <summary>What the replay publishes for a record.</summary>
public enum ReplayEventKind
{
    /// <summary>A prediction request, <c>--lead</c> before the record's time.</summary>
    Request,

    /// <summary>The outcome, once it is known (plus <c>--outcome-lag</c>).</summary>
    Outcome,
}

/// <summary>One message of the replay, at its stream time.</summary>
/// <param name="StreamTime">When, in the records' own time, the message is due.</param>
/// <param name="Kind">Request or outcome.</param>
/// <param name="Sequence">The record's number in this replay (0, 1, …), shared by its request and its outcome.</param>
/// <param name="Record">The record.</param>
public readonly record struct ReplayEvent(DateTime StreamTime, ReplayEventKind Kind, long Sequence, ReplayRecord Record);
