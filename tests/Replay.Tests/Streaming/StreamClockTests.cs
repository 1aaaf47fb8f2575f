using Replay.Streaming;

namespace Replay.Tests.Streaming;

public sealed class StreamClockTests
{
    private static readonly DateTime Start = new(2001, 1, 1, 5, 0, 0);

    [Fact]
    public void At_speed_3600_a_stream_hour_passes_in_one_wall_second()
    {
        var time = new ManualTime();
        var clock = new StreamClock(time, Start, speed: 3600);

        Assert.Equal(Start, clock.Now);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.DelayUntil(Start.AddHours(1)));
        Assert.Equal(TimeSpan.FromDays(1) / 3600, clock.DelayUntil(Start.AddDays(1)));

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(Start.AddMinutes(15), clock.Now);
        Assert.Equal(TimeSpan.FromMilliseconds(750), clock.DelayUntil(Start.AddHours(1)));
    }

    [Fact]
    public void A_stream_time_already_reached_needs_no_wait()
    {
        var time = new ManualTime();
        var clock = new StreamClock(time, Start, speed: 20_000);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Start.AddSeconds(20_000), clock.Now);
        Assert.Equal(TimeSpan.Zero, clock.DelayUntil(Start.AddSeconds(19_999)));
        Assert.Equal(TimeSpan.Zero, clock.DelayUntil(Start));
    }

    [Fact]
    public void Six_months_at_20000_times_take_13_minutes()
    {
        var clock = new StreamClock(new ManualTime(), new DateTime(2001, 1, 1), 20_000);

        var wall = clock.WallOffsetOf(new DateTime(2001, 7, 1));

        Assert.Equal(181 * 86_400 / 20_000.0, wall.TotalSeconds, precision: 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.PositiveInfinity)]
    public void A_speed_that_is_not_a_positive_number_is_refused(double speed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamClock(new ManualTime(), Start, speed));
}
