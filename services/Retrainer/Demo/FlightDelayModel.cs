using Modeling.Cards;
using Modeling.Features;
using Modeling.Flights;
using Retrainer.Training;

namespace Retrainer.Demo;

/// <summary>
/// The demo model: will a flight leave more than 15 minutes late? Features: origin and destination
/// airports (vocabularies of the airports seen in training, plus the unknown bucket), distance, and the
/// departure's hour, day of week and month.
/// </summary>
public static class FlightDelayModel
{
    /// <summary>The model's name in the registry and the API.</summary>
    public const string Name = "flight-delay";

    /// <summary>The airport features, whose vocabularies come from the training window.</summary>
    public static readonly IReadOnlyList<string> AirportFeatures = ["origin", "destination"];

    /// <summary>The feature spec for a training window: airports seen at least <paramref name="minimumAirportFlights"/> times, most frequent first.</summary>
    public static IReadOnlyList<FeatureSpec> Features(IReadOnlyList<FlightRecord> training, int minimumAirportFlights) =>
    [
        Airports("origin", "Departure airport (IATA code).", training.Select(flight => flight.Origin), minimumAirportFlights),
        Airports("destination", "Arrival airport (IATA code).", training.Select(flight => flight.Destination), minimumAirportFlights),
        new NumericFeature
        {
            Name = "distance",
            Description = "Great-circle distance in miles.",
            Min = 0,
            Max = 10_000,
        },
        new TimestampFeature
        {
            Name = "date",
            Description = "Scheduled departure, local clock time (ISO 8601).",
            Parts = [TimestampPart.Hour, TimestampPart.DayOfWeek, TimestampPart.Month],
        },
    ];

    /// <summary>The card's fixed parts: task, output mapping, label rule and segments.</summary>
    public static ModelCard Card(string version, IReadOnlyList<FeatureSpec> features) => new()
    {
        Name = Name,
        Version = version,
        Description = $"Probability that a US domestic flight departs more than {FlightRecord.LateAfterMinutes} minutes late.",
        Task = ModelTask.Binary,
        Features = features,
        Input = new ModelInput { Name = "features", Columns = [.. features.SelectMany(feature => feature.Columns())] },
        Output = new ModelOutput { Probability = "probability", Score = "score", Labels = ["on-time", "late"], Threshold = 0.5 },
        Label = new LabelSpec { Field = "delay", PositiveWhenGreaterThan = FlightRecord.LateAfterMinutes },
        // The departure airport has some 200 categories, more than the default segments take (50): named here.
        Monitoring = new MonitoringSpec { SegmentBy = ["origin"] },
    };

    /// <summary>A flight of the data file as a training example: the flight is the raw record, its delay the outcome.</summary>
    public static TrainingExample Example(FlightRecord flight) => new(flight, RawValue.Of(flight.Delay));

    /// <summary>
    /// An airport vocabulary: the codes seen at least <paramref name="minimumFlights"/> times (ignoring case and
    /// surrounding blanks, as the featurizer reads them), upper-cased, most frequent first.
    /// </summary>
    public static IReadOnlyList<string> AirportVocabulary(IEnumerable<string> codes, int minimumFlights) =>
    [
        .. codes
            .Select(code => code.Trim())
            .Where(code => code.Length > 0)
            .GroupBy(code => code, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() >= minimumFlights)
            .OrderByDescending(group => group.Count())
            .ThenBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => group.Key.ToUpperInvariant()),
    ];

    private static CategoricalFeature Airports(string name, string description, IEnumerable<string> codes, int minimumFlights) => new()
    {
        Name = name,
        Description = description,
        Vocabulary = AirportVocabulary(codes, minimumFlights),
        Encoding = CategoricalEncoding.Index,
        WhenUnknown = UnknownCategoryPolicy.Bucket,
    };
}
