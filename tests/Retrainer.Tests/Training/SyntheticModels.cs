using System.Globalization;
using System.Text.Json;
using Modeling.Cards;
using Modeling.Features;
using Retrainer.Retraining;
using Retrainer.Training;

namespace Retrainer.Tests.Training;

/// <summary>
/// Models that are not the flights demo, one per task, and seeded synthetic data for them. Every card has the three
/// kinds of feature: a number <c>x</c> (0–10), a one-hot colour, an index-encoded shape and the hour and day of week of a
/// timestamp; the outcome depends on each. The multiclass card is shaped like a team's own ONNX model (output
/// <c>probabilities</c>, no score output), so a challenger trained from it must keep names the platform did not choose.
/// </summary>
public static class SyntheticModels
{
    /// <summary>The colours the cards know (one-hot); records also carry an unknown one.</summary>
    public static readonly string[] Colors = ["red", "green", "blue"];

    /// <summary>The multiclass labels.</summary>
    public static readonly string[] Kinds = ["low", "middle", "high"];

    private static readonly string[] Shapes = ["circle", "square"];

    /// <summary>The input columns every card has, in order.</summary>
    public static readonly string[] Columns = ["x", "color=red", "color=green", "color=blue", "color=<unknown>", "shape", "time.hour", "time.dayOfWeek"];

    /// <summary>A card of <paramref name="task"/> for the model <paramref name="name"/>, version 1, with no training sections.</summary>
    public static ModelCard Card(ModelTask task, string name) => new()
    {
        Name = name,
        Version = "1",
        Description = $"A synthetic {task} model.",
        Task = task,
        Features =
        [
            new NumericFeature { Name = "x", Min = 0, Max = 10 },
            new CategoricalFeature { Name = "color", Vocabulary = Colors, Encoding = CategoricalEncoding.OneHot },
            new CategoricalFeature { Name = "shape", Vocabulary = Shapes, Encoding = CategoricalEncoding.Index },
            new TimestampFeature { Name = "time", Parts = [TimestampPart.Hour, TimestampPart.DayOfWeek] },
        ],
        Input = new ModelInput { Name = "features", Columns = Columns },
        Output = task switch
        {
            ModelTask.Binary => new ModelOutput { Probability = "probability", Score = "score", Labels = ["no", "yes"], Threshold = 0.5 },
            ModelTask.Multiclass => new ModelOutput { Probability = "probabilities", Labels = Kinds },
            _ => new ModelOutput { Score = "value" },
        },
        Label = task switch
        {
            ModelTask.Binary => new LabelSpec { Field = "wait", PositiveWhenGreaterThan = 10 },
            ModelTask.Multiclass => new LabelSpec { Field = "kind" },
            _ => new LabelSpec { Field = "price" },
        },
        Monitoring = new MonitoringSpec { SegmentBy = ["shape"] },
    };

    /// <summary>
    /// <paramref name="count"/> labelled rows of <paramref name="task"/>, one a minute from 2024-03-01: the input as JSON
    /// (as the Retrainer keeps it from outcome events) and the outcome (binary: the wait in minutes, positive above 10;
    /// multiclass: the kind's label; regression: the price). With <paramref name="shuffled"/>, the outcomes are dealt
    /// to the rows at random: data with nothing to learn, for a clearly worse model.
    /// </summary>
    public static List<LabelledRow> Rows(ModelTask task, string model, int count, int seed, bool shuffled = false)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<LabelledRow>(count);
        for (var i = 0; i < count; i++)
        {
            var x = Math.Round(random.NextDouble() * 10, 2);
            var color = i % 17 == 0 ? "violet" : Colors[random.Next(Colors.Length)];
            var shape = Shapes[random.Next(Shapes.Length)];
            var time = new DateTime(2024, 3, 1 + random.Next(7), random.Next(24), random.Next(60), 0);
            var input = JsonSerializer.Serialize(new { x, color, shape, time = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) });
            var (value, label) = Outcome(task, x, color, shape, time.Hour, random);
            rows.Add(new LabelledRow(model, Retraining.RetrainingTestSystem.OutcomeIdOf(i), "1", start.AddMinutes(i), input, value, label));
        }

        if (!shuffled)
            return rows;
        var outcomes = rows.Select(row => (row.ActualValue, row.ActualLabel)).OrderBy(_ => random.Next()).ToList();
        return [.. rows.Select((row, i) => row with { ActualValue = outcomes[i].ActualValue, ActualLabel = outcomes[i].ActualLabel })];
    }

    /// <summary>The rows as training examples.</summary>
    public static List<TrainingExample> Examples(IEnumerable<LabelledRow> rows) => [.. rows.Select(row => row.Example()!.Value)];

    /// <summary>Small, fast FastTree settings for a test.</summary>
    public static CardTrainingOptions Training(string version) => new()
    {
        Version = version,
        Dataset = "synthetic",
        Trees = 20,
        Leaves = 8,
        MinimumRowsPerLeaf = 10,
        LearningRate = 0.3,
    };

    // Binary: a wait in minutes; multiclass: a kind from a score; regression: a price. Each uses every feature.
    private static (double? Value, string? Label) Outcome(ModelTask task, double x, string color, string shape, int hour, Random random)
    {
        var noise = random.NextDouble() - 0.5;
        switch (task)
        {
            case ModelTask.Binary:
                return (Math.Round((2 * x) + (color == "blue" ? 8 : 0) + (hour < 8 ? 5 : 0) + (shape == "square" ? -3 : 0) + (4 * noise), 1), null);
            case ModelTask.Multiclass:
                var score = x + (color == "red" ? 2 : 0) + (hour >= 12 ? 1.5 : 0) + (shape == "square" ? -1 : 0) + noise;
                var kind = random.NextDouble() < 0.05 ? Kinds[random.Next(Kinds.Length)] : score < 4 ? "low" : score < 8 ? "middle" : "high";
                return (null, kind);
            default:
                return (Math.Round((3 * x) + (color == "green" ? 5 : 0) + (0.5 * hour) + (shape == "square" ? 2 : 0) + noise, 2), null);
        }
    }
}
