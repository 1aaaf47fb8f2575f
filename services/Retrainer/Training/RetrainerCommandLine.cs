using System.Globalization;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Evaluation;
using Retrainer.Registry;

namespace Retrainer.Training;

/// <summary>
/// The Retrainer's command-line mode, for training without a running system:
/// <code>
/// Retrainer train     [--from 2001-01-01] [--to 2001-02-01] [--version 1] [--models .data/models] [--data FILE] [--max-rows N] [--trees 300]
/// Retrainer train     --card CARD --data FILE [--from DATE] [--to DATE] [--time-field date] [--version 1] [--models .data/models]
///                     [--trees 100] [--leaves 16] [--min-rows-per-leaf 10]   (any model, from its card and a CSV, JSON Lines or Parquet file)
/// Retrainer bootstrap [--models .data/models]      (trains the bootstrap model only when it is not cached)
/// Retrainer evaluate  [--version 1] [--models .data/models] [--data FILE]   (AUC, log loss … per month, as Markdown)
/// </code>
/// </summary>
public static class RetrainerCommandLine
{
    private static readonly string[] Commands = ["train", "bootstrap", "evaluate"];
    private static readonly string[] OptionNames = ["from", "to", "version", "models", "data", "max-rows", "trees", "card", "time-field", "leaves", "min-rows-per-leaf"];

    /// <summary>Whether the arguments ask for a command rather than the web service.</summary>
    public static bool Handles(string[] args) => args is [var first, ..] && Commands.Contains(first);

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            var options = ParseOptions(args.AsSpan(1));
            var models = options.GetValueOrDefault("models") ?? new RegistryOptions().ModelsFolder;
            // Looked up only when a command reads flights, after the arguments were checked.
            string Data() => options.GetValueOrDefault("data") ?? DemoData.RequireFlightsFile(Environment.CurrentDirectory);
            switch (args[0])
            {
                case "train" when options.GetValueOrDefault("card") is { } cardFile:
                    return await TrainCardAsync(cardFile, options, models, output, cancellationToken);
                case "train":
                    var training = BootstrapModel.Options with
                    {
                        Trigger = "manual",
                        WindowStart = Date(options, "from") ?? BootstrapModel.Options.WindowStart,
                        WindowEnd = Date(options, "to") ?? BootstrapModel.Options.WindowEnd,
                        Version = options.GetValueOrDefault("version") ?? BootstrapModel.Version,
                        MaximumRows = Number(options, "max-rows"),
                        Trees = Number(options, "trees") ?? BootstrapModel.Options.Trees,
                    };
                    var trained = await new FlightDelayTrainer(TimeProvider.System).TrainAsync(Data(), training, cancellationToken);
                    var folder = await trained.Bundle.WriteAsync(models, cancellationToken);
                    await output.WriteLineAsync($"wrote {folder} (hold-out AUC {trained.Bundle.Card.Metrics?.Holdout?.Auc:0.0000}, log loss {trained.Bundle.Card.Metrics?.Holdout?.LogLoss:0.0000})");
                    return 0;
                case "bootstrap":
                    var bundle = await BootstrapModel.EnsureAsync(models, TimeProvider.System, cancellationToken);
                    await output.WriteLineAsync($"bootstrap model {bundle.Card.Name} {bundle.Card.Version} is in {ModelBundle.FolderOf(models, bundle.Card.Name, bundle.Card.Version)}");
                    return 0;
                default:
                    var version = options.GetValueOrDefault("version") ?? BootstrapModel.Version;
                    var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(models, FlightDelayModel.Name, version), cancellationToken);
                    if (read.Bundle is not { } evaluated)
                    {
                        await output.WriteLineAsync($"cannot read model {FlightDelayModel.Name} {version}: {string.Join("; ", read.Errors)}");
                        return 1;
                    }

                    var results = await MonthlyEvaluation.EvaluateAsync(evaluated, Data(), cancellationToken);
                    await output.WriteLineAsync(MonthlyEvaluation.ToMarkdown(results));
                    return 0;
            }
        }
        catch (Exception exception) when (exception is ArgumentException or FileNotFoundException or InvalidOperationException or InvalidDataException)
        {
            await output.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
    }

    // train --card: any model from its card (a template or a version's card) and a data file.
    private static async Task<int> TrainCardAsync(string cardFile, Dictionary<string, string> options, string models, TextWriter output, CancellationToken cancellationToken)
    {
        var read = ModelCardReader.Read(await File.ReadAllTextAsync(cardFile, cancellationToken));
        if (read.Card is not { } card)
        {
            await output.WriteLineAsync($"error: {cardFile}: {string.Join("; ", read.Errors)}");
            return 2;
        }

        var data = options.GetValueOrDefault("data") ?? throw new ArgumentException("train --card needs --data FILE: the rows to train on");
        var defaults = new CardFileTrainingOptions { Version = card.Version };
        var training = defaults with
        {
            Version = options.GetValueOrDefault("version") ?? card.Version,
            TimeField = options.GetValueOrDefault("time-field") ?? defaults.TimeField,
            From = Date(options, "from"),
            To = Date(options, "to"),
            Trees = Number(options, "trees") ?? defaults.Trees,
            Leaves = Number(options, "leaves") ?? defaults.Leaves,
            MinimumRowsPerLeaf = Number(options, "min-rows-per-leaf") ?? defaults.MinimumRowsPerLeaf,
        };
        var trained = await CardFileTraining.TrainAsync(card, data, training, TimeProvider.System, cancellationToken);
        var folder = await trained.Bundle.WriteAsync(models, cancellationToken);
        var metrics = trained.Bundle.Card.Metrics;
        var summary = metrics?.Holdout is { } binary ? $"AUC {binary.Auc:0.0000}, log loss {binary.LogLoss:0.0000}"
            : metrics?.Multiclass is { } multiclass ? $"accuracy {multiclass.Accuracy:0.0000}, macro-F1 {multiclass.MacroF1:0.0000}"
            : metrics?.Regression is { } regression ? $"RMSE {regression.Rmse:0.####}, MAE {regression.Mae:0.####}"
            : "no hold-out rows";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wrote {folder} ({trained.Bundle.Card.Lineage?.TrainingRows} training rows; hold-out of {trained.Bundle.Card.Lineage?.HoldoutRows}: {summary})"));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            if (!OptionNames.Contains(args[i][2..]))
                throw new ArgumentException($"unknown option '{args[i]}'; known: --{string.Join(", --", OptionNames)}");
            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    private static DateTime? Date(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var text)
            ? DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new ArgumentException($"--{name} must be a date like 2001-01-31, got '{text}'")
            : null;

    private static int? Number(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var text)
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new ArgumentException($"--{name} must be a positive whole number, got '{text}'")
            : null;
}
