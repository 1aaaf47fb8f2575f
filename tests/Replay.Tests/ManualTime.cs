namespace Replay.Tests;

/// <summary>
/// A clock the test moves: <see cref="Advance"/> moves it by hand; in <see cref="AutoAdvance"/> mode every timer
/// (every <c>Task.Delay</c> of the code under test) moves the clock to its due time and fires at once, so a replay
/// of hours of wall time runs in milliseconds and the clock says how long it would have taken.
/// </summary>
public sealed class ManualTime : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Timers fire as soon as they are created, after the clock moves to their due time.</summary>
    public bool AutoAdvance { get; init; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
            return _now;
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by)
    {
        lock (_gate)
            _now += by;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (!AutoAdvance)
            throw new InvalidOperationException("this ManualTime does not run timers; create it with AutoAdvance = true");
        var timer = new AutoTimer();
        var due = GetUtcNow() + dueTime;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            if (timer.Disposed)
                return;
            lock (_gate)
            {
                if (_now < due)
                    _now = due;
            }

            callback(state);
        }, null);
        return timer;
    }

    private sealed class AutoTimer : ITimer
    {
        public volatile bool Disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
