namespace TestSupport;

/// <summary>A clock that moves only when the test sets or advances it, so every time a test asserts on is one it chose.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>A clock at 2026-11-23 10:00 UTC.</summary>
    public ManualClock()
        : this(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>The time it tells.</summary>
    public DateTimeOffset Now { get; set; } = now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Now += by;
}
