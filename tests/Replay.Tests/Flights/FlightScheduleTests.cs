using Modeling.Flights;
using Replay.Flights;
using Replay.Records;
using TestSupport;

namespace Replay.Tests.Flights;

/// <summary>The schedule read from the real demo file.</summary>
public sealed class FlightScheduleTests
{
    [DemoDataFact]
    public async Task A_range_is_read_in_departure_order_with_unique_entity_keys_and_the_same_sample_every_time()
    {
        var file = DemoData.RequireFlightsFile();
        var from = new DateTime(2001, 1, 30, 18, 0, 0);
        var to = new DateTime(2001, 2, 2);

        var first = await FlightSchedule.ReadAsync(file, from, to, new RecordSampler(0.1)).ToListAsync();
        // Read again, February alone (the month the first read took while reading January): the same flights with the
        // same keys. Reading January again too would only repeat what the next test shows for a month read first.
        var february = new DateTime(2001, 2, 1);
        var again = await FlightSchedule.ReadAsync(file, february, to, new RecordSampler(0.1)).ToListAsync();

        Assert.InRange(first.Count, 2_500, 6_000);
        Assert.NotEmpty(again);
        Assert.Equal(first.Where(flight => flight.Departure >= february).Select(flight => flight.EntityKey), again.Select(flight => flight.EntityKey));
        Assert.All(first, flight => Assert.InRange(flight.Departure, from, to.AddTicks(-1)));
        Assert.True(first.Zip(first.Skip(1)).All(pair => pair.First.Departure <= pair.Second.Departure));
        Assert.Equal(first.Count, first.Select(flight => flight.EntityKey).Distinct().Count());
        Assert.Contains(first, flight => flight.Departure.Month == 1);
        Assert.Contains(first, flight => flight.Departure.Month == 2);
    }

    [DemoDataFact]
    public async Task A_flight_keeps_its_entity_key_and_its_place_in_the_sample_whatever_the_range()
    {
        var file = DemoData.RequireFlightsFile();
        var day = new DateTime(2001, 3, 14);

        var narrow = await FlightSchedule.ReadAsync(file, day, day.AddDays(1), new RecordSampler(0.05)).ToListAsync();
        var wide = await FlightSchedule.ReadAsync(file, day.AddDays(-2), day.AddDays(2), new RecordSampler(0.05)).ToListAsync();

        Assert.NotEmpty(narrow);
        Assert.Equal(narrow.Select(flight => flight.EntityKey), wide.Where(flight => flight.Departure >= day && flight.Departure < day.AddDays(1)).Select(flight => flight.EntityKey));
    }

    [Fact]
    public void Flights_out_of_order_in_a_month_are_sorted_stably()
    {
        var flights = new[]
        {
            new FlightRecord(new DateTime(2001, 1, 2, 9, 0, 0), 1, 100, "A", "B"),
            new FlightRecord(new DateTime(2001, 1, 1, 9, 0, 0), 2, 100, "A", "B"),
            new FlightRecord(new DateTime(2001, 1, 2, 9, 0, 0), 3, 100, "A", "B"),
            new FlightRecord(new DateTime(2001, 1, 1, 8, 0, 0), 4, 100, "A", "B"),
        };

        var sorted = FlightSchedule.InDepartureOrder(flights);

        Assert.Equal([4, 2, 1, 3], sorted.Select(flight => flight.Delay));
    }
}
