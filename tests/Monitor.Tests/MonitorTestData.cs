using System.Text.Json;
using Contracts.Models;
using Contracts.Predictions;
using Modeling.Cards;
using Modeling.Statistics;

namespace Monitor.Tests;

/// <summary>A small binary model card (origin, distance) with reference statistics from generated training rows, and traffic like or unlike them.</summary>
internal static class MonitorTestData
{
    public static readonly FeatureSpec[] Features =
    [
        new CategoricalFeature { Name = "origin", Vocabulary = ["ORD", "DFW", "ATL"], Encoding = CategoricalEncoding.Index },
        new NumericFeature { Name = "distance" },
    ];

    public static ModelCard Card(IReadOnlyList<(float[] Features, float Probability)> rows, string name = "test-model", string version = "1")
    {
        var builder = new ReferenceStatisticsBuilder(Features);
        foreach (var (features, probability) in rows)
            builder.Add(features, probability, probability > 0.5);
        return new ModelCard
        {
            Name = name,
            Version = version,
            Task = ModelTask.Binary,
            Features = Features,
            Input = new ModelInput { Name = "features", Columns = ["origin", "distance"] },
            Output = new ModelOutput { Probability = "probability", Labels = ["on-time", "late"], Threshold = 0.5 },
            Label = new LabelSpec { Field = "delay", PositiveWhenGreaterThan = 15 },
            Reference = builder.Build(),
            Metrics = new TrainingMetrics { Holdout = new ClassificationMetrics { Rows = 1000, Auc = 0.8, Accuracy = 0.8, LogLoss = 0.4, Brier = 0.15, PositiveRate = 0.2 } },
        };
    }

    public static ServedModel Served(ModelCard card) =>
        new(card.Name, card.Version, JsonSerializer.Serialize(card, ModelCardJson.Options), new string('0', 64));

    /// <summary>Training-like rows, or (shift) rows from elsewhere: a new airport and longer flights.</summary>
    public static List<(float[] Features, float Probability)> Rows(int seed, int count, bool shift)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var origin = shift ? random.Next(4) : random.Next(3) == 0 ? 0 : random.Next(1, 3);
            var distance = (float)(shift ? 300 + random.NextDouble() * 3000 : 100 + random.NextDouble() * 1500);
            return (new[] { (float)origin, distance }, (float)random.NextDouble());
        })];
    }

    public static PredictionMade Prediction(ModelCard card, float[] features, float probability, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), card.Name, card.Version, null, null, PredictionSources.Online, null, features,
            probability >= 0.5 ? "late" : "on-time", probability, null, at, at.AddMilliseconds(3), null);
}
