using System.Globalization;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Flights;
using Retrainer.Retraining;
using Retrainer.Training;

namespace Retrainer.Demo;

/// <summary>
/// The flights demo's additions to retraining its model: a challenger's airport vocabularies come from its training rows
/// (airports with at least <see cref="FlightDelayRetrainingOptions.MinimumAirportFlights"/> rows, else the champion's
/// setting, else 50), and <c>recent-plus-earlier</c> also trains on the window of the flights file the model's line
/// was first trained on, when the file is here.
/// </summary>
public sealed class FlightDelayRetraining(IOptions<FlightDelayRetrainingOptions> options) : IRetrainingCustomization
{
    /// <summary>The lineage hyperparameter that records the airports' minimum.</summary>
    public const string MinimumAirportFlightsHyperparameter = "minimumAirportFlights";

    /// <summary>The airports' minimum when neither the settings nor the champion give one.</summary>
    public const int DefaultMinimumAirportFlights = 50;

    /// <inheritdoc />
    public string Model => FlightDelayModel.Name;

    /// <inheritdoc />
    public ChallengerFeatures Features(ModelCard champion, IReadOnlyList<TrainingExample> training)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(training);
        var minimum = options.Value.MinimumAirportFlights
            ?? ChampionHyperparameters.PositiveInteger(champion, MinimumAirportFlightsHyperparameter)
            ?? DefaultMinimumAirportFlights;
        // Index-encoded airports keep their one column whatever the vocabulary, so the input tensor stays the champion's.
        var features = champion.Features.Select(feature => feature is CategoricalFeature { Encoding: CategoricalEncoding.Index, Vocabulary: not null } airports
                && FlightDelayModel.AirportFeatures.Contains(airports.Name)
            ? airports with { Vocabulary = FlightDelayModel.AirportVocabulary(Codes(training, airports.Name), minimum) }
            : feature).ToList();
        return new ChallengerFeatures(features, new Dictionary<string, string> { [MinimumAirportFlightsHyperparameter] = minimum.ToString(CultureInfo.InvariantCulture) });
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrainingExample>?> ReadDatasetAsync(Lineage lineage, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lineage);
        if (!options.Value.EarlierFromDataset
            || lineage is not { Dataset: DemoData.DatasetName, WindowStart: { } start, WindowEnd: { } end }
            || DemoData.FindFlightsFile(Environment.CurrentDirectory) is not { } file)
            return null;
        var flights = await FlightDelayTrainer.ReadWindowAsync(file, start, end, maxRows, cancellationToken);
        return [.. flights.Select(FlightDelayModel.Example)];
    }

    private static IEnumerable<string> Codes(IReadOnlyList<TrainingExample> training, string field) =>
        training.Select(example => example.Input.ValueOf(field)).Where(value => value.Kind == RawValueKind.Text).Select(value => value.Text!);
}
