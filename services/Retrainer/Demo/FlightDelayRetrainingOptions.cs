using ServiceDefaults;

namespace Retrainer.Demo;

/// <summary>
/// The flights demo's retraining settings. They sit in the <c>Retraining</c> section beside the Retrainer's own
/// (<see cref="Retraining.RetrainingOptions"/>), which know nothing of flights.
/// </summary>
public sealed class FlightDelayRetrainingOptions : IValidatedOptions
{
    /// <summary>The configuration section (shared with <see cref="Retraining.RetrainingOptions"/>).</summary>
    public const string SectionName = "Retraining";

    /// <summary>
    /// An airport enters a flight-delay challenger's vocabulary with at least this many training rows; unset: the
    /// champion's (its card's lineage), else 50. Env: <c>Retraining__MinimumAirportFlights</c>.
    /// </summary>
    public int? MinimumAirportFlights { get; set; }

    /// <summary>
    /// <c>recent-plus-earlier</c>: also train a flight-delay challenger on the window of the flights file its line was
    /// first trained on (the card's lineage), when the file is on this machine. Env: <c>Retraining__EarlierFromDataset</c>.
    /// </summary>
    public bool EarlierFromDataset { get; set; } = true;

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MinimumAirportFlights < 1) // null (unset) passes
            yield return $"{SectionName}:MinimumAirportFlights must be positive.";
    }
}
