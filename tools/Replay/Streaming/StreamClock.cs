namespace Replay.Streaming;

/// <summary>
/// The replay's clock: stream time starts at the first message's time when the clock is started and then runs
/// <see cref="Speed"/> times faster than wall time (<see cref="TimeProvider"/>, so tests drive it).
/// </summary>
public sealed class StreamClock
{
    private readonly TimeProvider _time;
    private readonly long _started;

    /// <summary>Starts the clock now, at stream time <paramref name="streamStart"/>.</summary>
    public StreamClock(TimeProvider time, DateTime streamStart, double speed)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!(speed > 0) || double.IsInfinity(speed))
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "the speed must be a positive number");
        _time = time;
        _started = time.GetTimestamp();
        StreamStart = streamStart;
        Speed = speed;
    }

    /// <summary>The stream time when the clock started.</summary>
    public DateTime StreamStart { get; }

    /// <summary>Stream seconds per wall second.</summary>
    public double Speed { get; }

    /// <summary>Wall time since the clock started.</summary>
    public TimeSpan WallElapsed => _time.GetElapsedTime(_started);

    /// <summary>The stream time now.</summary>
    public DateTime Now => StreamTimeAt(WallElapsed);

    /// <summary>The stream time <paramref name="wallElapsed"/> after the start.</summary>
    public DateTime StreamTimeAt(TimeSpan wallElapsed)
    {
        var ticks = StreamStart.Ticks + wallElapsed.Ticks * Speed;
        return new DateTime((long)Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), StreamStart.Kind);
    }

    /// <summary>The wall time after the start at which the stream reaches <paramref name="streamTime"/>.</summary>
    public TimeSpan WallOffsetOf(DateTime streamTime) => TimeSpan.FromTicks((long)((streamTime - StreamStart).Ticks / Speed));

    /// <summary>How long to wait until the stream reaches <paramref name="streamTime"/>; zero when it already has.</summary>
    public TimeSpan DelayUntil(DateTime streamTime)
    {
        var delay = WallOffsetOf(streamTime) - WallElapsed;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }
}
