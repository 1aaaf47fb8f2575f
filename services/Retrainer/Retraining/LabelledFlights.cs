using System.Globalization;
using System.Text.Json;
using Modeling.Features;
using Modeling.Flights;

namespace Retrainer.Retraining;

/// <summary>
/// Labelled rows of the flight-delay model as the trainer's flights: the raw input's <c>date</c>, <c>distance</c>,
/// <c>origin</c> and <c>destination</c>, and the observed delay (whole minutes, as the data has them). A row without a
/// numeric outcome or with an input the model cannot read is left out.
/// </summary>
public static class LabelledFlights
{
    /// <summary>The flights of the rows that are flights.</summary>
    public static List<FlightRecord> From(IEnumerable<LabelledRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var flights = new List<FlightRecord>();
        foreach (var row in rows)
        {
            if (TryRead(row, out var flight))
                flights.Add(flight);
        }

        return flights;
    }

    /// <summary>The flight of one row, when it is one.</summary>
    public static bool TryRead(LabelledRow row, out FlightRecord flight)
    {
        ArgumentNullException.ThrowIfNull(row);
        flight = default;
        if (row.ActualValue is not { } delay || !double.IsFinite(delay))
            return false;
        try
        {
            using var document = JsonDocument.Parse(row.Input);
            // Read as the featurizer reads a request (JsonRecord: names exactly, then ignoring case; a timestamp's
            // clock time as written, its offset dropped), so training sees what serving sees.
            var input = new JsonRecord(document.RootElement);
            if (input.ValueOf("date") is not { Kind: RawValueKind.Text, Text: { } date }
                || !DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var departure)
                || input.ValueOf("distance") is not { Kind: RawValueKind.Number, Number: var miles } || !double.IsFinite(miles)
                || input.ValueOf("origin") is not { Kind: RawValueKind.Text, Text: { Length: > 0 } from }
                || input.ValueOf("destination") is not { Kind: RawValueKind.Text, Text: { Length: > 0 } to })
                return false;
            flight = new FlightRecord(
                departure.DateTime,
                (int)Math.Round(delay, MidpointRounding.AwayFromZero),
                (int)Math.Round(miles, MidpointRounding.AwayFromZero),
                from,
                to);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
