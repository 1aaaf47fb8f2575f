using Replay.Streaming;

namespace Replay.Tests.Streaming;

public sealed class StreamPositionLogTests
{
    private static readonly DateTimeOffset Wall = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Stream = new(2001, 2, 3, 7, 0, 0);

    [Fact]
    public void A_wall_time_reads_as_the_stream_time_reached_by_then()
    {
        var log = new StreamPositionLog();
        log.Add(Wall, Stream);
        log.Add(Wall.AddSeconds(1), Stream.AddHours(5));
        log.Add(Wall.AddSeconds(2), Stream.AddHours(9));

        Assert.Null(log.StreamTimeAt(Wall.AddMilliseconds(-1)));
        Assert.Equal(Stream, log.StreamTimeAt(Wall.AddMilliseconds(999)));
        Assert.Equal(Stream.AddHours(5), log.StreamTimeAt(Wall.AddSeconds(1.5)));
        Assert.Equal(Stream.AddHours(9), log.StreamTimeAt(Wall.AddMinutes(10)));
    }

    [Fact]
    public void A_late_answer_for_an_earlier_flight_does_not_take_the_stream_back()
    {
        var log = new StreamPositionLog();
        log.Add(Wall, Stream.AddHours(5));
        log.Add(Wall.AddSeconds(1), Stream);

        Assert.Equal(Stream.AddHours(5), log.StreamTimeAt(Wall.AddSeconds(1)));
    }

    [Fact]
    public void Entries_closer_than_ten_milliseconds_keep_the_latest_stream_time()
    {
        var log = new StreamPositionLog();
        log.Add(Wall, Stream);
        log.Add(Wall.AddMilliseconds(4), Stream.AddMinutes(30));

        Assert.Equal(Stream.AddMinutes(30), log.StreamTimeAt(Wall.AddMilliseconds(5)));
    }
}
