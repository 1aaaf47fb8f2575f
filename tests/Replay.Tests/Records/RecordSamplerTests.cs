using Modeling.Flights;
using Replay.Flights;
using Replay.Records;

namespace Replay.Tests.Records;

public sealed class RecordSamplerTests
{
    private static readonly ScheduledFlight[] Flights = [.. Enumerable.Range(0, 20_000).Select(row =>
        new ScheduledFlight(new FlightRecord(new DateTime(2001, 2, 1).AddMinutes(row * 2), row % 60 - 10, 300 + row % 900, "ORD", "DFW"), row))];

    [Fact]
    public void Two_samplers_with_the_same_share_take_the_same_flights()
    {
        var first = Flights.Where(flight => new RecordSampler(0.1).Keeps(flight.EntityKey)).Select(flight => flight.EntityKey).ToList();
        var second = Flights.Reverse().Where(flight => new RecordSampler(0.1).Keeps(flight.EntityKey)).Select(flight => flight.EntityKey).Reverse().ToList();

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void The_share_taken_is_close_to_the_share_asked(double share)
    {
        var taken = Flights.Count(flight => new RecordSampler(share).Keeps(flight.EntityKey));

        // Binomial: within four standard deviations.
        var expected = share * Flights.Length;
        Assert.InRange(taken, expected - 4 * Math.Sqrt(expected * (1 - share)), expected + 4 * Math.Sqrt(expected * (1 - share)));
    }

    [Fact]
    public void A_smaller_sample_is_part_of_a_larger_one()
    {
        var small = Flights.Where(flight => new RecordSampler(0.05).Keeps(flight.EntityKey)).ToHashSet();
        var large = Flights.Where(flight => new RecordSampler(0.2).Keeps(flight.EntityKey)).ToHashSet();

        Assert.NotEmpty(small);
        Assert.Subset(large, small);
    }

    [Fact]
    public void Every_flight_is_taken_at_share_one()
    {
        Assert.All(Flights, flight => Assert.True(new RecordSampler(1).Keeps(flight.EntityKey)));
    }

    [Fact]
    public void The_position_depends_only_on_the_key_and_is_fixed_across_runs()
    {
        // Computed once and written down: a change of the hash would change which flights every earlier report used.
        Assert.Equal(0.9623209074349632, RecordSampler.Position("2001-01-03T07:05-ORD-DFW-17"));
        Assert.Equal(0.5551861142021152, RecordSampler.Position("2001-01-03T07:05-ORD-DFW-18"));
        Assert.Equal(0.9576734252420561, RecordSampler.Position(""));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void A_share_outside_zero_to_one_is_refused(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordSampler(share));
}
