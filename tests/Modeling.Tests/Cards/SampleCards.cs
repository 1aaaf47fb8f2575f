using Modeling.Cards;

namespace Modeling.Tests.Cards;

/// <summary>A small valid flight-delay card, as hand-written JSON and as built in code.</summary>
internal static class SampleCards
{
    /// <summary>The docs/model-card.md example, shortened so that it is complete and valid (with a comment and trailing commas, which hand-written cards may use).</summary>
    public const string FlightDelayJson = """
        {
          // Written by hand: comments and trailing commas are allowed.
          "schemaVersion": 1,
          "name": "flight-delay",
          "version": "1",
          "description": "Probability that a US domestic flight departs more than 15 minutes late.",
          "task": "binary",
          "features": [
            {
              "kind": "categorical",
              "vocabulary": ["ORD", "DFW", "ATL", "LAX", "PHX"],
              "encoding": "index",
              "caseSensitive": false,
              "whenUnknown": "bucket",
              "whenMissing": "error",
              "name": "origin",
              "description": "Departure airport (IATA code)."
            },
            {
              "name": "destination",
              "kind": "categorical",
              "vocabulary": ["ORD", "DFW", "ATL", "LAX", "PHX"]
            },
            {
              "kind": "numeric",
              "min": 0,
              "max": 10000,
              "whenOutOfRange": "error",
              "whenMissing": "error",
              "name": "distance",
              "description": "Great-circle distance in miles."
            },
            {
              "kind": "timestamp",
              "parts": ["hour", "dayOfWeek", "month"],
              "whenMissing": "error",
              "name": "date",
            },
          ],
          "input": {
            "name": "features",
            "columns": ["origin", "destination", "distance", "date.hour", "date.dayOfWeek", "date.month"]
          },
          "output": { "probability": "probability", "score": "score", "labels": ["on-time", "late"], "threshold": 0.5 },
          "label": { "field": "delay", "positiveWhenGreaterThan": 15 },
          "reference": {
            "rows": 1000,
            "columns": [
              { "column": "origin", "kind": "categorical", "count": 1000, "frequencies": { "ORD": 0.4, "DFW": 0.35, "<unknown>": 0.25 } },
              {
                "column": "distance",
                "kind": "continuous",
                "count": 1000,
                "mean": 727.92,
                "standardDeviation": 572.56,
                "quantiles": [30, 195, 267, 337, 426, 564, 692, 883, 1076, 1562, 4962],
                "histogram": {
                  "edges": [30, 195, 267, 337, 426, 564, 692, 883, 1076, 1562, 4962],
                  "counts": [100, 100, 100, 100, 100, 100, 100, 100, 100, 100]
                }
              },
              { "column": "date.dayOfWeek", "kind": "categorical", "count": 1000, "frequencies": { "0": 0.5, "6": 0.5 } }
            ],
            "output": {
              "probability": {
                "column": "probability",
                "kind": "continuous",
                "count": 1000,
                "histogram": { "edges": [0, 0.5, 1], "counts": [900, 100] }
              },
              "predictedPositiveRate": 0.1,
              "labelPositiveRate": 0.2
            }
          },
          "metrics": { "holdout": { "rows": 250, "auc": 0.7157, "logLoss": 0.4535, "brier": 0.1441, "accuracy": 0.806, "positiveRate": 0.2041 } },
          "lineage": {
            "dataset": "vega-datasets@3.2.1/data/flights-3m.parquet",
            "windowStart": "2001-01-01T00:00:00",
            "windowEnd": "2001-02-01T00:00:00",
            "trainingRows": 1000,
            "holdoutRows": 250,
            "trigger": "bootstrap",
            "trainer": "ML.NET 5.0.1 FastTree (binary, Platt-calibrated)",
            "hyperparameters": { "trees": "300", "leaves": "64" },
            "trainedAt": "2026-11-23T01:02:32.0449857+00:00"
          },
          "artifact": { "file": "model.onnx", "sha256": "7b2027210712cd211a3c3bd2670b89a8f06d7d37efb21e03f5fe4a4f592039ed" },
        }
        """;

    public static readonly IReadOnlyList<string> Airports = ["ORD", "DFW", "ATL", "LAX", "PHX"];

    public static CategoricalFeature Origin { get; } = new() { Name = "origin", Vocabulary = Airports };

    public static CategoricalFeature Destination { get; } = new() { Name = "destination", Vocabulary = Airports };

    public static NumericFeature Distance { get; } = new() { Name = "distance", Min = 0, Max = 10000 };

    public static TimestampFeature Date { get; } = new() { Name = "date", Parts = [TimestampPart.Hour, TimestampPart.DayOfWeek, TimestampPart.Month] };

    /// <summary>A valid card without statistics, built in code.</summary>
    public static ModelCard FlightDelay() => WithFeatures(
        new ModelCard
        {
            Name = "flight-delay",
            Version = "1",
            Task = ModelTask.Binary,
            Input = new ModelInput { Name = "features" },
            Output = new ModelOutput { Probability = "probability", Labels = ["on-time", "late"] },
            Label = new LabelSpec { Field = "delay", PositiveWhenGreaterThan = 15 },
        },
        Origin, Destination, Distance, Date);

    /// <summary>The card with these features and the input columns they produce (so only the feature itself can be wrong).</summary>
    public static ModelCard WithFeatures(ModelCard card, params FeatureSpec[] features) => card with
    {
        Features = features,
        Input = card.Input with { Columns = [.. features.SelectMany(feature => feature.Columns())] },
    };

    /// <summary>The flight-delay card with feature <paramref name="index"/> replaced.</summary>
    public static ModelCard WithFeature(int index, FeatureSpec feature)
    {
        var card = FlightDelay();
        var features = card.Features.ToArray();
        features[index] = feature;
        return WithFeatures(card, features);
    }
}
