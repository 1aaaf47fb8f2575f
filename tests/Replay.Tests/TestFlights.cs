using System.Globalization;
using Modeling.Flights;
using Replay.Flights;
using Replay.Records;

namespace Replay.Tests;

/// <summary>Flights written in a test.</summary>
public static class TestFlights
{
    public static ScheduledFlight At(string departure, int delay, string origin = "ORD", string destination = "DFW", int distance = 802, int row = 0) =>
        new(new FlightRecord(DateTime.Parse(departure, CultureInfo.InvariantCulture), delay, distance, origin, destination), row);

    public static async IAsyncEnumerable<ReplayRecord> Stream(IEnumerable<ScheduledFlight> flights)
    {
        foreach (var flight in flights)
        {
            await Task.Yield();
            yield return flight.Record;
        }
    }

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}
