using System.Runtime.CompilerServices;
using Modeling.Flights;
using Replay.Records;

namespace Replay.Flights;

/// <summary>
/// The flights of a date range in scheduled-departure order, one calendar month in memory at a time (about half a
/// million records for the demo data) while the next month is read in the background.
/// </summary>
/// <remarks>
/// flights-3m.parquet is sorted by date (checked: none of its 3 M rows comes before the previous one), so the sort
/// below finds nothing to do; it is there so another file, or a future version of this one, replays in order too.
/// A whole month is read even when the range starts inside it, so a flight's <see cref="ScheduledFlight.RowInMonth"/>
/// (and therefore its entity key and whether the sample takes it) does not depend on the range.
/// </remarks>
public static class FlightSchedule
{
    /// <summary>The flights with <paramref name="from"/> ≤ departure &lt; <paramref name="to"/> that <paramref name="sampler"/> keeps, in departure order.</summary>
    public static async IAsyncEnumerable<ScheduledFlight> ReadAsync(
        string path, DateTime from, DateTime to, RecordSampler sampler, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var month = new DateTime(from.Year, from.Month, 1);
        if (month >= to)
            yield break;
        Task<FlightRecord[]>? next = ReadMonthAsync(path, month, cancellationToken);
        while (next is not null)
        {
            var flights = await next;
            var following = month.AddMonths(1);
            next = following < to ? ReadMonthAsync(path, following, cancellationToken) : null;
            for (var row = 0; row < flights.Length; row++)
            {
                var flight = new ScheduledFlight(flights[row], row);
                if (flight.Departure >= from && flight.Departure < to && sampler.Keeps(flight.EntityKey))
                    yield return flight;
            }

            month = following;
        }
    }

    /// <summary>The flights of the month starting at <paramref name="month"/>, sorted by departure (file order among equal times).</summary>
    public static Task<FlightRecord[]> ReadMonthAsync(string path, DateTime month, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            var flights = new List<FlightRecord>();
            await foreach (var flight in FlightsParquetReader.ReadAsync(path, month, month.AddMonths(1), cancellationToken))
                flights.Add(flight);
            return InDepartureOrder(flights);
        }, cancellationToken);

    /// <summary><paramref name="flights"/> sorted by departure, stably (file order among flights with the same departure).</summary>
    public static FlightRecord[] InDepartureOrder(IReadOnlyList<FlightRecord> flights)
    {
        ArgumentNullException.ThrowIfNull(flights);
        var sorted = flights.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Date < sorted[i - 1].Date)
                return [.. flights.OrderBy(flight => flight.Date)]; // OrderBy is stable
        }

        return sorted;
    }
}
