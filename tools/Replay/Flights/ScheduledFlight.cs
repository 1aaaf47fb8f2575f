using System.Globalization;
using Modeling.Features;
using Modeling.Flights;
using Replay.Records;

namespace Replay.Flights;

/// <summary>
/// A flight of the replay: the record and its position among the flights of its calendar month in the file,
/// which makes its entity key unique and the same in every run whatever the replayed range.
/// </summary>
/// <param name="Flight">The flight as the file has it (with its delay, which the prediction request leaves out).</param>
/// <param name="RowInMonth">The flight's index among its month's flights in file order.</param>
public readonly record struct ScheduledFlight(FlightRecord Flight, int RowInMonth)
{
    /// <summary>The scheduled departure (local clock time).</summary>
    public DateTime Departure => Flight.Date;

    /// <summary>The key the platform joins the flight's prediction and outcome by, e.g. <c>2001-01-03T07:05-ORD-DFW-1234</c>.</summary>
    public string EntityKey => string.Create(CultureInfo.InvariantCulture, $"{Flight.Date:yyyy-MM-ddTHH:mm}-{Flight.Origin}-{Flight.Destination}-{RowInMonth}");

    /// <summary>
    /// The flight as the replay plays it: asked about at its departure with what is known before it (date, distance,
    /// origin, destination), its delay in minutes observed once it has left: at departure + max(delay, 0).
    /// </summary>
    public ReplayRecord Record => new(
        Departure,
        EntityKey,
        [
            new("date", RawValue.Of(Departure)),
            new("distance", RawValue.Of(Flight.Distance)),
            new("origin", RawValue.Of(Flight.Origin)),
            new("destination", RawValue.Of(Flight.Destination)),
        ],
        RawValue.Of(Flight.Delay),
        Departure + TimeSpan.FromMinutes(Math.Max(Flight.Delay, 0)));
}
