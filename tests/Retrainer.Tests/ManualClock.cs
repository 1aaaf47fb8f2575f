namespace Retrainer.Tests;

/// <summary>A clock that moves only when the test sets it, so every time a test asserts on is one it chose.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>A clock at 2026-11-23 10:00 UTC.</summary>
    public ManualClock()
        : this(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero))
    {
    }

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
