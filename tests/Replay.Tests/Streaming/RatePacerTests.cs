using Replay.Streaming;

namespace Replay.Tests.Streaming;

public sealed class RatePacerTests
{
    [Fact]
    public void Without_a_cap_nothing_waits()
    {
        var pacer = new RatePacer(new ManualTime(), null);
        for (var i = 0; i < 1000; i++)
            pacer.Sent();

        Assert.Equal(TimeSpan.Zero, pacer.DelayBeforeNext());
    }

    [Fact]
    public void At_ten_per_second_hundred_events_take_about_ten_seconds()
    {
        var time = new ManualTime();
        var pacer = new RatePacer(time, 10);
        var start = time.GetUtcNow();

        for (var i = 0; i < 100; i++)
        {
            time.Advance(pacer.DelayBeforeNext());
            pacer.Sent();
        }

        // One event every 0.1 s, the first at once.
        Assert.Equal(TimeSpan.FromSeconds(9.9), time.GetUtcNow() - start);
    }

    [Fact]
    public void A_quiet_period_saves_up_no_more_than_a_tenth_of_a_second_of_events()
    {
        var time = new ManualTime();
        var pacer = new RatePacer(time, 100);
        pacer.Sent();
        time.Advance(TimeSpan.FromMinutes(10));

        var sentWithoutWaiting = 0;
        while (pacer.DelayBeforeNext() == TimeSpan.Zero)
        {
            pacer.Sent();
            sentWithoutWaiting++;
        }

        // The current slot and a tenth of a second's worth (10 at 100/s), not ten minutes' worth.
        Assert.Equal(11, sentWithoutWaiting);
    }
}
