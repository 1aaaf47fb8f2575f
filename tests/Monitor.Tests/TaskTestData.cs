using System.Text.Json;
using Contracts.Models;
using Contracts.Outcomes;
using Contracts.Predictions;
using Modeling.Cards;
using Modeling.Scoring;
using Modeling.Statistics;

namespace Monitor.Tests;

/// <summary>
/// A small multiclass model (x in [0, 10) and a one-hot colour; labels low, middle, high, most probable where x is near 2, 5 or
/// 8) and a small regression model (x and an index-encoded region), with seeded rows, cards whose reference and hold-out
/// metrics come from rows like them, and the events Monitor consumes.
/// </summary>
internal static class TaskTestData
{
    public static readonly string[] Labels = ["low", "middle", "high"];

    private static readonly string[] Colors = ["red", "green", "violet"];

    /// <summary>One multiclass row: its features, every label's probability, the predicted label and the true one.</summary>
    public sealed record MulticlassRow(float[] Features, float[] Probabilities, int Predicted, int Truth);

    /// <summary>One regression row: its features, the predicted value and the true one.</summary>
    public sealed record RegressionRow(float[] Features, float Predicted, double Truth);

    /// <summary>
    /// Rows with x uniform over [0, 10) (or, shifted, over [7, 10) and always green). The true label is drawn from the
    /// probabilities (calibrated), or from probabilities flattened towards a third each (the model is overconfident).
    /// </summary>
    public static List<MulticlassRow> MulticlassRows(int seed, int count, bool shift = false, bool calibrated = true)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var x = (float)(shift ? 7 + random.NextDouble() * 3 : random.NextDouble() * 10);
            var color = shift ? 1 : random.Next(Colors.Length);
            float[] features = [x, color == 0 ? 1 : 0, color == 1 ? 1 : 0, color == 2 ? 1 : 0];
            var probabilities = Softmax([-(x - 2) * (x - 2) / 4, -(x - 5) * (x - 5) / 4, -(x - 8) * (x - 8) / 4]);
            var truthProbabilities = calibrated ? probabilities : [.. probabilities.Select(p => (p + 1f) / 4f)];
            return new MulticlassRow(features, probabilities, ArgMax(probabilities), Draw(random, truthProbabilities));
        })];
    }

    public static ModelCard MulticlassCard(IReadOnlyList<MulticlassRow> reference, string name = "weather", string version = "1", bool withReference = true, MonitoringSpec? monitoring = null)
    {
        var card = new ModelCard
        {
            Name = name,
            Version = version,
            Task = ModelTask.Multiclass,
            Features =
            [
                new NumericFeature { Name = "x", Min = 0, Max = 10 },
                new CategoricalFeature { Name = "color", Vocabulary = ["red", "green"], Encoding = CategoricalEncoding.OneHot },
            ],
            Input = new ModelInput { Name = "features", Columns = ["x", "color=red", "color=green", "color=<unknown>"] },
            Output = new ModelOutput { Probability = "probabilities", Labels = Labels },
            Label = new LabelSpec { Field = "kind" },
            Monitoring = monitoring,
        };
        if (!withReference)
            return card;
        var builder = new ReferenceStatisticsBuilder(card);
        foreach (var row in reference)
            builder.Add(row.Features, new ModelScore(row.Predicted, row.Probabilities[row.Predicted], float.NaN), row.Probabilities, row.Truth);
        return card with { Reference = builder.Build() with { Source = "dataset", Dataset = "weather.csv" }, Metrics = builder.Metrics() };
    }

    public static PredictionMade MulticlassPrediction(ModelCard card, MulticlassRow row, DateTimeOffset at, bool withProbabilities = true) =>
        new(Guid.CreateVersion7(), card.Name, card.Version, null, null, PredictionSources.Online, null, row.Features,
            Labels[row.Predicted], row.Probabilities[row.Predicted], null, at, at.AddMilliseconds(2), null)
        {
            Probabilities = withProbabilities ? row.Probabilities : null,
        };

    /// <summary>Rows with x uniform over [0, 10) (or, shifted, [5, 15)), region 0 or 1; truth 3x + 10·region + noise, predicted 3x + 10·region.</summary>
    public static List<RegressionRow> RegressionRows(int seed, int count, bool shift = false)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var x = (float)(random.NextDouble() * 10 + (shift ? 5 : 0));
            var region = random.Next(2);
            var predicted = 3 * x + 10 * region;
            return new RegressionRow([x, region], predicted, predicted + (random.NextDouble() - 0.5) * 4);
        })];
    }

    public static ModelCard RegressionCard(IReadOnlyList<RegressionRow> reference, string name = "price", string version = "1")
    {
        var card = new ModelCard
        {
            Name = name,
            Version = version,
            Task = ModelTask.Regression,
            Features =
            [
                new NumericFeature { Name = "x" },
                new CategoricalFeature { Name = "region", Vocabulary = ["north", "south"], Encoding = CategoricalEncoding.Index },
            ],
            Input = new ModelInput { Name = "features", Columns = ["x", "region"] },
            Output = new ModelOutput { Score = "value" },
            Label = new LabelSpec { Field = "price" },
        };
        var builder = new ReferenceStatisticsBuilder(card);
        foreach (var row in reference)
            builder.Add(row.Features, new ModelScore(-1, float.NaN, row.Predicted), [], row.Truth);
        return card with { Reference = builder.Build(), Metrics = builder.Metrics() };
    }

    public static PredictionMade RegressionPrediction(ModelCard card, RegressionRow row, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), card.Name, card.Version, null, null, PredictionSources.Online, null, row.Features, null, null, row.Predicted, at, at.AddMilliseconds(2), null);

    /// <summary>The outcome FeedbackCollector would publish for <paramref name="prediction"/>: a number or a label.</summary>
    public static OutcomeRecorded Outcome(PredictionMade prediction, double? value, string? label, DateTimeOffset at) =>
        new(Guid.NewGuid(), prediction.PredictionId, prediction.ModelName, prediction.ModelVersion, null, prediction.Source, value, label, null,
            prediction.Features, prediction.Label, prediction.Probability, prediction.Value, prediction.PredictedAt, at, at)
        {
            Probabilities = prediction.Probabilities,
        };

    public static ServedModel Served(ModelCard card) =>
        new(card.Name, card.Version, JsonSerializer.Serialize(card, ModelCardJson.Options), new string('0', 64));

    private static float[] Softmax(double[] scores)
    {
        var max = scores.Max();
        var exps = scores.Select(score => Math.Exp(score - max)).ToArray();
        var total = exps.Sum();
        return [.. exps.Select(value => (float)(value / total))];
    }

    private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());

    private static int Draw(Random random, float[] probabilities)
    {
        var u = random.NextDouble() * probabilities.Sum();
        for (var label = 0; label < probabilities.Length - 1; label++)
        {
            u -= probabilities[label];
            if (u < 0)
                return label;
        }

        return probabilities.Length - 1;
    }
}
