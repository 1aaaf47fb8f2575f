using Modeling.Features;

namespace Modeling.Flights;

/// <summary>One flight of the demo data: scheduled departure (local clock time), delay in minutes, distance in miles, airports.</summary>
public readonly record struct FlightRecord(DateTime Date, int Delay, int Distance, string Origin, string Destination) : IRawRecord
{
    /// <summary>The label the demo model predicts: departed more than 15 minutes late.</summary>
    public const int LateAfterMinutes = 15;

    /// <summary>Whether the flight was late by the demo model's definition.</summary>
    public bool IsLate => Delay > LateAfterMinutes;

    /// <inheritdoc />
    public RawValue ValueOf(string field) => field switch
    {
        "date" => RawValue.Of(Date),
        "delay" => RawValue.Of(Delay),
        "distance" => RawValue.Of(Distance),
        "origin" => RawValue.Of(Origin),
        "destination" => RawValue.Of(Destination),
        _ => RawValue.Missing,
    };
}
