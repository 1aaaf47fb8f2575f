namespace Replay.Streaming;

/// <summary>
/// Caps the events sent per wall second (<c>--max-rate</c>): each send books the next slot 1/rate later, and
/// at most a tenth of a second of unused slots is saved up, so a quiet night does not allow a burst at dawn.
/// When the cap holds the replay back, stream time falls behind the clock and catches up when traffic is light.
/// </summary>
public sealed class RatePacer
{
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(100);
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan _interval;
    private TimeSpan _nextSlot;

    /// <summary>A pacer for <paramref name="eventsPerSecond"/>, or one that never waits when it is null.</summary>
    public RatePacer(TimeProvider time, double? eventsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (eventsPerSecond is { } rate && !(rate > 0))
            throw new ArgumentOutOfRangeException(nameof(eventsPerSecond), rate, "the rate must be positive");
        _time = time;
        _started = time.GetTimestamp();
        _interval = eventsPerSecond is { } perSecond ? TimeSpan.FromSeconds(1 / perSecond) : TimeSpan.Zero;
    }

    /// <summary>How long to wait before the next event may be sent.</summary>
    public TimeSpan DelayBeforeNext()
    {
        if (_interval == TimeSpan.Zero)
            return TimeSpan.Zero;
        var delay = _nextSlot - _time.GetElapsedTime(_started);
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    /// <summary>Books the slot of an event just sent.</summary>
    public void Sent()
    {
        if (_interval == TimeSpan.Zero)
            return;
        var now = _time.GetElapsedTime(_started);
        var earliest = now - Burst;
        _nextSlot = (_nextSlot > earliest ? _nextSlot : earliest) + _interval;
    }
}
