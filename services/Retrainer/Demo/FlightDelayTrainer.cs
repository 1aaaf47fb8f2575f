using System.Globalization;
using Modeling.Flights;
using Retrainer.Training;

namespace Retrainer.Demo;

/// <summary>
/// Trains the flight-delay demo model on a date window of the flights data (or on flights in memory): the airport
/// vocabularies come from the training flights, then <see cref="CardTrainer"/> trains and exports it as any model is.
/// </summary>
public sealed class FlightDelayTrainer(TimeProvider time)
{
    /// <summary>Trains on the window of <paramref name="options"/> read from <paramref name="flightsFile"/>, holding out a random share.</summary>
    public async Task<TrainedModel> TrainAsync(string flightsFile, FlightDelayTrainingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var window = await ReadWindowAsync(flightsFile, options.WindowStart, options.WindowEnd, options.MaximumRows, cancellationToken);
        if (window.Count < 1_000)
            throw new InvalidOperationException($"only {window.Count} flights between {options.WindowStart:yyyy-MM-dd} and {options.WindowEnd:yyyy-MM-dd}; at least 1,000 are needed");

        var (training, holdout) = Split(window, options);
        return Train(training, holdout, options);
    }

    /// <summary>
    /// Trains on flights in memory: <paramref name="training"/> fits the model (and gives the airport vocabularies),
    /// <paramref name="holdout"/> gives the card's metrics. A flight is positive by the card's label rule
    /// (<c>label.positiveWhenGreaterThan</c> on its delay). CPU-bound: call it off the threads that serve requests.
    /// </summary>
    public TrainedModel Train(IReadOnlyList<FlightRecord> training, IReadOnlyList<FlightRecord> holdout, FlightDelayTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(options);
        var card = FlightDelayModel.Card(options.Version, FlightDelayModel.Features(training, options.MinimumAirportFlights));
        return new CardTrainer(time).Train(card, [.. training.Select(FlightDelayModel.Example)], [.. holdout.Select(FlightDelayModel.Example)], new CardTrainingOptions
        {
            Version = options.Version,
            Trigger = options.Trigger,
            Dataset = options.Dataset,
            WindowStart = options.WindowStart,
            WindowEnd = options.WindowEnd,
            HoldoutFraction = options.HoldoutFraction,
            Trees = options.Trees,
            Leaves = options.Leaves,
            MinimumRowsPerLeaf = options.MinimumRowsPerLeaf,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            MoreHyperparameters = new Dictionary<string, string>
            {
                [FlightDelayRetraining.MinimumAirportFlightsHyperparameter] = options.MinimumAirportFlights.ToString(CultureInfo.InvariantCulture),
            },
        });
    }

    /// <summary>The flights of a date window of the data file; at most <paramref name="maximumRows"/> of them, evenly spaced, when given.</summary>
    public static async Task<List<FlightRecord>> ReadWindowAsync(
        string flightsFile, DateTime windowStart, DateTime windowEnd, int? maximumRows, CancellationToken cancellationToken)
    {
        var flights = new List<FlightRecord>();
        await foreach (var flight in FlightsParquetReader.ReadAsync(flightsFile, windowStart, windowEnd, cancellationToken))
            flights.Add(flight);
        if (maximumRows is { } maximum && flights.Count > maximum)
        {
            // Evenly spaced, so a smaller sample still covers the whole window.
            var step = (double)flights.Count / maximum;
            flights = [.. Enumerable.Range(0, maximum).Select(i => flights[(int)(i * step)])];
        }

        return flights;
    }

    private static (List<FlightRecord> Training, List<FlightRecord> Holdout) Split(List<FlightRecord> flights, FlightDelayTrainingOptions options)
    {
        var random = new Random(options.Seed);
        var training = new List<FlightRecord>(flights.Count);
        var holdout = new List<FlightRecord>((int)(flights.Count * options.HoldoutFraction) + 1);
        foreach (var flight in flights)
            (random.NextDouble() < options.HoldoutFraction ? holdout : training).Add(flight);
        return (training, holdout);
    }
}
