using Replay.Streaming;
using static Replay.Tests.TestFlights;

namespace Replay.Tests.Streaming;

public sealed class EventTimelineTests
{
    private static readonly DateTime Day = new(2001, 1, 3);

    [Fact]
    public async Task A_request_comes_a_lead_before_departure_and_the_outcome_after_departure_plus_delay_plus_lag()
    {
        var timeline = new EventTimeline(lead: TimeSpan.FromHours(1), outcomeLag: TimeSpan.FromMinutes(30));

        var events = await timeline.EventsAsync(Stream([At("2001-01-03T07:05", delay: 37)])).ToListAsync();

        Assert.Equal(2, events.Count);
        Assert.Equal((ReplayEventKind.Request, Day.AddHours(6).AddMinutes(5)), (events[0].Kind, events[0].StreamTime));
        Assert.Equal((ReplayEventKind.Outcome, Day.AddHours(7).AddMinutes(5 + 37 + 30)), (events[1].Kind, events[1].StreamTime));
        Assert.Equal(events[0].Sequence, events[1].Sequence);
    }

    [Fact]
    public async Task An_early_flights_outcome_is_due_at_its_departure()
    {
        var timeline = new EventTimeline(TimeSpan.FromHours(1), TimeSpan.Zero);

        var events = await timeline.EventsAsync(Stream([At("2001-01-03T07:05", delay: -12)])).ToListAsync();

        Assert.Equal(Day.AddHours(7).AddMinutes(5), events[1].StreamTime);
    }

    [Fact]
    public async Task Outcomes_of_delayed_flights_come_after_later_flights_requests_and_everything_is_in_stream_time_order()
    {
        var timeline = new EventTimeline(TimeSpan.FromMinutes(30), TimeSpan.Zero);
        var flights = new[]
        {
            At("2001-01-03T07:00", delay: 180, row: 0), // outcome 10:00
            At("2001-01-03T07:30", delay: 0, row: 1),   // outcome 07:30
            At("2001-01-03T08:00", delay: 20, row: 2),  // outcome 08:20
            At("2001-01-03T09:00", delay: -5, row: 3),  // outcome 09:00
        };

        var events = await timeline.EventsAsync(Stream(flights)).ToListAsync();

        var expected = new (ReplayEventKind, long, string)[]
        {
            (ReplayEventKind.Request, 0, "06:30"),
            (ReplayEventKind.Request, 1, "07:00"),
            (ReplayEventKind.Outcome, 1, "07:30"), // before request 2 at 07:30: at equal times what happened comes first
            (ReplayEventKind.Request, 2, "07:30"),
            (ReplayEventKind.Outcome, 2, "08:20"),
            (ReplayEventKind.Request, 3, "08:30"),
            (ReplayEventKind.Outcome, 3, "09:00"),
            (ReplayEventKind.Outcome, 0, "10:00"),
        };
        Assert.Equal(expected, events.Select(e => (e.Kind, e.Sequence, e.StreamTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Many_random_flights_come_out_in_stream_time_order_with_each_outcome_after_its_request()
    {
        var random = new Random(7);
        var departure = Day;
        var flights = new List<Replay.Flights.ScheduledFlight>();
        for (var row = 0; row < 2000; row++)
        {
            departure = departure.AddMinutes(random.Next(0, 4));
            flights.Add(new(new Modeling.Flights.FlightRecord(departure, random.Next(-20, 400), 500, "ORD", "LAX"), row));
        }

        var timeline = new EventTimeline(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(10));
        var events = await timeline.EventsAsync(Stream(flights)).ToListAsync();

        Assert.Equal(4000, events.Count);
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.StreamTime <= pair.Second.StreamTime));
        var requestIndex = events.Select((e, index) => (e, index)).Where(x => x.e.Kind == ReplayEventKind.Request).ToDictionary(x => x.e.Sequence, x => x.index);
        foreach (var (outcome, index) in events.Select((e, index) => (e, index)).Where(x => x.e.Kind == ReplayEventKind.Outcome))
        {
            Assert.True(index > requestIndex[outcome.Sequence]);
            Assert.Equal(timeline.OutcomeTime(outcome.Record), outcome.StreamTime);
        }

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), events.Where(e => e.Kind == ReplayEventKind.Request).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Without_outcomes_only_requests_are_made()
    {
        var timeline = new EventTimeline(TimeSpan.FromHours(1), TimeSpan.Zero, outcomes: false);

        var events = await timeline.EventsAsync(Stream([At("2001-01-03T07:05", 37), At("2001-01-03T07:10", 0, row: 1)])).ToListAsync();

        Assert.All(events, e => Assert.Equal(ReplayEventKind.Request, e.Kind));
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task Flights_out_of_departure_order_are_refused()
    {
        var timeline = new EventTimeline(TimeSpan.FromHours(1), TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            timeline.EventsAsync(Stream([At("2001-01-03T08:00", 0), At("2001-01-03T07:00", 0, row: 1)])).ToListAsync());

        Assert.Contains("time order", error.Message, StringComparison.Ordinal);
    }
}
