using Modeling.Scoring;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Flights;
using Modeling.Onnx;
using Modeling.Statistics;
using Retrainer.Evaluation;

namespace Retrainer.Training;

/// <summary>
/// Trains the flight-delay model with ML.NET FastTree on a date window of the flights data (or on flights in
/// memory) and writes a model bundle: the exported ONNX file and a card whose metrics and reference statistics come from
/// scoring that ONNX file, the artifact that is served.
/// </summary>
public sealed class FlightDelayTrainer(TimeProvider time)
{
    /// <summary>Trains on the window of <paramref name="options"/> read from <paramref name="flightsFile"/>, holding out a random share.</summary>
    public async Task<TrainedModel> TrainAsync(string flightsFile, TrainingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var window = await ReadWindowAsync(flightsFile, options.WindowStart, options.WindowEnd, options.MaximumRows, cancellationToken);
        if (window.Count < 1_000)
            throw new InvalidOperationException($"only {window.Count} flights between {options.WindowStart:yyyy-MM-dd} and {options.WindowEnd:yyyy-MM-dd}; at least 1,000 are needed");

        var (training, holdout) = Split(window, options);
        return Train(training, holdout, options);
    }

    /// <summary>
    /// Trains on flights in memory (e.g. labelled rows the Retrainer kept from outcomes): <paramref name="training"/> fits
    /// the model, <paramref name="holdout"/> gives the card's metrics. A flight is positive by the card's label rule
    /// (<c>label.positiveWhenGreaterThan</c> on its delay). CPU-bound: call it off the threads that serve requests.
    /// </summary>
    public TrainedModel Train(IReadOnlyList<FlightRecord> training, IReadOnlyList<FlightRecord> holdout, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(options);
        var features = FlightDelayModel.Features(training, options.MinimumAirportFlights);
        var card = FlightDelayModel.Card(options.Version, features);
        var featurizer = Featurizer.Create(card);
        bool IsPositive(FlightRecord flight) => OutcomeLabels.IsPositive(card, flight.Delay, null) == true;
        var trainingTable = FlightFeatureTable.Build(featurizer, training, IsPositive);
        var holdoutTable = FlightFeatureTable.Build(featurizer, holdout, IsPositive);
        if (trainingTable.Rows == 0 || trainingTable.Labels.All(label => label) || !trainingTable.Labels.Any(label => label))
            throw new InvalidOperationException($"the {trainingTable.Rows} usable training rows do not hold both classes; nothing to learn from");

        var ml = new MLContext(seed: options.Seed);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumRowsPerLeaf,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            // Exported as a plain tree ensemble; FastTree's default of one thread per core is kept.
        });
        var transformer = trainer.Fit(ToDataView(ml, trainingTable));
        var ensemble = FastTreeConversion.ToTreeEnsemble(transformer.Model, featurizer.Width);
        var onnx = TreeEnsembleOnnxExporter.Export(ensemble, new OnnxExportOptions
        {
            ModelName = card.Name,
            ModelVersion = card.Version,
            InputName = card.Input.Name,
            ScoreOutputName = card.Output.Score!,
            ProbabilityOutputName = card.Output.Probability!,
        });

        using var scorer = OnnxScorer.Load(card, onnx);
        var holdoutProbabilities = scorer.ScoreProbabilities(holdoutTable.Features);
        var trainingProbabilities = scorer.ScoreProbabilities(trainingTable.Features);
        var reference = new ReferenceStatisticsBuilder(features, card.Output.Threshold);
        for (var row = 0; row < trainingTable.Rows; row++)
            reference.Add(trainingTable.Row(row), trainingProbabilities[row], trainingTable.Labels[row]);

        card = card with
        {
            Reference = reference.Build() with { Source = "training" },
            Metrics = new TrainingMetrics { Holdout = BinaryMetrics.Compute(holdoutProbabilities, holdoutTable.Labels, card.Output.Threshold) },
            Lineage = new Lineage
            {
                Dataset = options.Dataset,
                WindowStart = options.WindowStart,
                WindowEnd = options.WindowEnd,
                TrainingRows = trainingTable.Rows,
                HoldoutRows = holdoutTable.Rows,
                Trigger = options.Trigger,
                ParentVersion = options.ParentVersion,
                Trainer = "ML.NET 5.0.1 FastTree (binary, Platt-calibrated)",
                Hyperparameters = new Dictionary<string, string>
                {
                    ["trees"] = Invariant(options.Trees),
                    ["leaves"] = Invariant(options.Leaves),
                    ["minimumRowsPerLeaf"] = Invariant(options.MinimumRowsPerLeaf),
                    ["learningRate"] = Invariant(options.LearningRate),
                    ["holdoutFraction"] = Invariant(options.HoldoutFraction),
                    ["seed"] = Invariant(options.Seed),
                    ["minimumAirportFlights"] = Invariant(options.MinimumAirportFlights),
                },
                TrainedAt = time.GetUtcNow(),
            },
        };

        return new TrainedModel(new ModelBundle(card, onnx).WithChecksum(), ml, transformer, holdoutTable);
    }

    /// <summary>ML.NET's view of a feature table: a fixed-size vector column and a boolean label.</summary>
    public static IDataView ToDataView(MLContext ml, FlightFeatureTable table)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(table);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, table.Width);
        var rows = Enumerable.Range(0, table.Rows).Select(row => new FeatureRow { Features = table.Row(row).ToArray(), Label = table.Labels[row] });
        return ml.Data.LoadFromEnumerable(rows, schema);
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

    private static (List<FlightRecord> Training, List<FlightRecord> Holdout) Split(List<FlightRecord> flights, TrainingOptions options)
    {
        var random = new Random(options.Seed);
        var training = new List<FlightRecord>(flights.Count);
        var holdout = new List<FlightRecord>((int)(flights.Count * options.HoldoutFraction) + 1);
        foreach (var flight in flights)
            (random.NextDouble() < options.HoldoutFraction ? holdout : training).Add(flight);
        return (training, holdout);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
