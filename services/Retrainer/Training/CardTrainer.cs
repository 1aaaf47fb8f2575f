using System.Globalization;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Scoring;

namespace Retrainer.Training;

/// <summary>
/// Trains a version of any model from its card, with ML.NET FastTree for the card's task, and writes it as a model
/// bundle. The card says everything the training needs: the features (the same featurizer builds the training table and
/// featurizes requests), the label rule (<see cref="OutcomeLabels.TruthOf"/>), the task (binary, multiclass or
/// regression), the input tensor and the output names and labels. The new version keeps every section of the card that
/// is not about training (features, input, output, label, monitoring); its reference statistics, metrics and lineage
/// are its own, computed by scoring the exported ONNX file, the artifact that is served.
/// </summary>
public sealed class CardTrainer(TimeProvider time)
{
    /// <summary>The ML.NET release the trainer uses, named in lineage.</summary>
    public const string MlNet = "ML.NET 5.0.1";

    /// <summary>
    /// Trains on <paramref name="training"/> and measures the card's metrics on <paramref name="holdout"/>.
    /// CPU-bound for seconds to minutes: call it off the threads that serve requests.
    /// </summary>
    /// <param name="card">The card to train for: a champion's, or a new model's with no training sections yet.</param>
    /// <param name="training">The examples the model learns from.</param>
    /// <param name="holdout">Examples it never sees, for the card's metrics (may be empty: no metrics).</param>
    /// <param name="options">The version, lineage and FastTree's settings.</param>
    /// <exception cref="InvalidOperationException">
    /// The card's features do not produce its input columns, or the rows leave nothing to learn (one class only, a
    /// multiclass label no training row has, no usable row).
    /// </exception>
    public TrainedModel Train(ModelCard card, IReadOnlyList<TrainingExample> training, IReadOnlyList<TrainingExample> holdout, CardTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(options);
        var columns = card.Features.SelectMany(feature => feature.Columns()).ToList();
        if (!columns.SequenceEqual(card.Input.Columns, StringComparer.Ordinal))
            throw new InvalidOperationException($"the features of '{card.Name}' produce the columns [{string.Join(", ", columns)}], not its input columns [{string.Join(", ", card.Input.Columns)}]");

        card = card with
        {
            Version = options.Version,
            Reference = null,
            Metrics = null,
            Lineage = null,
            Artifact = new ModelArtifact(),
        };
        var trainingTable = FeatureTable.Build(card, training);
        var holdoutTable = FeatureTable.Build(card, holdout);
        var settings = new FastTreeSettings(options.Trees, options.Leaves, options.MinimumRowsPerLeaf, options.LearningRate, options.Seed);
        var model = FastTreeModel.Train(trainingTable, card.Task, card.Output.Labels, settings);
        var onnx = model.ExportOnnx(ExportOptions(card));

        using var scorer = OnnxScorer.Load(card, onnx);
        var reference = trainingTable.Describe(scorer).Build() with { Source = "training" };
        card = card with
        {
            Reference = reference,
            Metrics = holdoutTable.Describe(scorer).Metrics(),
            Lineage = new Lineage
            {
                Dataset = options.Dataset,
                WindowStart = options.WindowStart,
                WindowEnd = options.WindowEnd,
                TrainingRows = trainingTable.Rows,
                HoldoutRows = holdoutTable.Rows,
                Trigger = options.Trigger,
                ParentVersion = options.ParentVersion,
                Trainer = TrainerName(card.Task),
                Hyperparameters = Hyperparameters(options),
                TrainedAt = time.GetUtcNow(),
            },
        };
        if (ModelCardValidator.Validate(card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"the trained version's card is invalid: {string.Join("; ", errors)}");
        return new TrainedModel(new ModelBundle(card, onnx).WithChecksum(), model, trainingTable, holdoutTable);
    }

    /// <summary>What trained a version of <paramref name="task"/>, as lineage names it.</summary>
    public static string TrainerName(ModelTask task) => task switch
    {
        ModelTask.Binary => $"{MlNet} FastTree (binary, Platt-calibrated)",
        ModelTask.Multiclass => $"{MlNet} FastTree (multiclass: one Platt-calibrated binary model per label, probabilities normalized)",
        _ => $"{MlNet} FastTree (regression)",
    };

    // The card's input and output names. A name the card leaves out (a binary or multiclass card without a score
    // output) is still written by the exporter, under a name the card does not use.
    private static OnnxExportOptions ExportOptions(ModelCard card)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { card.Input.Name };
        if (card.Output.Probability is { } probability)
            taken.Add(probability);
        if (card.Output.Score is { } score)
            taken.Add(score);
        var scoreName = card.Output.Score ?? Unused("score", taken);
        taken.Add(scoreName);
        return new OnnxExportOptions
        {
            ModelName = card.Name,
            ModelVersion = card.Version,
            InputName = card.Input.Name,
            ScoreOutputName = scoreName,
            ProbabilityOutputName = card.Task == ModelTask.Regression ? Unused("probability", taken) : card.Output.Probability!,
        };
    }

    private static string Unused(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var n = 2; taken.Contains(candidate); n++)
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{n}");
        return candidate;
    }

    private static Dictionary<string, string> Hyperparameters(CardTrainingOptions options)
    {
        var hyperparameters = new Dictionary<string, string>
        {
            ["trees"] = Invariant(options.Trees),
            ["leaves"] = Invariant(options.Leaves),
            ["minimumRowsPerLeaf"] = Invariant(options.MinimumRowsPerLeaf),
            ["learningRate"] = Invariant(options.LearningRate),
            ["holdoutFraction"] = Invariant(options.HoldoutFraction),
            ["seed"] = Invariant(options.Seed),
        };
        foreach (var (name, value) in options.MoreHyperparameters)
            hyperparameters[name] = value;
        return hyperparameters;
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
