using Modeling.Scoring;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Flights;
using Modeling.Statistics;
using Retrainer.Demo;
using Retrainer.Training;

namespace Retrainer.Evaluation;

/// <summary>One line of the drift table: a period and the served model's metrics on it.</summary>
/// <param name="Period">E.g. <c>2001-03</c>, or <c>2001-01 (hold-out)</c>.</param>
/// <param name="Metrics">AUC, log loss, … on that period.</param>
public sealed record PeriodMetrics(string Period, ClassificationMetrics Metrics);

/// <summary>Scores every month of the flights data after the training window with a bundle's ONNX file: the first evidence of drift.</summary>
public static class MonthlyEvaluation
{
    /// <summary>The training hold-out (from the card), then each whole month after the training window.</summary>
    public static async Task<IReadOnlyList<PeriodMetrics>> EvaluateAsync(ModelBundle bundle, string flightsFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var card = bundle.Card;
        var results = new List<PeriodMetrics>();
        if (card.Metrics?.Holdout is { } holdout && card.Lineage?.WindowStart is { } start)
            results.Add(new PeriodMetrics($"{start:yyyy-MM} (hold-out)", holdout));

        using var scorer = OnnxScorer.Load(card, bundle.Onnx);
        var month = card.Lineage?.WindowEnd ?? new DateTime(2001, 2, 1);
        month = new DateTime(month.Year, month.Month, 1);
        for (; month < new DateTime(2001, 7, 1); month = month.AddMonths(1))
        {
            var flights = new List<FlightRecord>();
            await foreach (var flight in FlightsParquetReader.ReadAsync(flightsFile, month, month.AddMonths(1), cancellationToken))
                flights.Add(flight);
            var table = FeatureTable.Build(card, [.. flights.Select(FlightDelayModel.Example)]);
            results.Add(new PeriodMetrics($"{month:yyyy-MM}", table.Describe(scorer).Metrics()?.Holdout ?? new ClassificationMetrics()));
        }

        return results;
    }

    /// <summary>The results as a Markdown table.</summary>
    public static string ToMarkdown(IReadOnlyList<PeriodMetrics> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>
        {
            "| period | rows | late share | AUC | log loss | Brier | accuracy |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        lines.AddRange(results.Select(result =>
            $"| {result.Period} | {result.Metrics.Rows:N0} | {result.Metrics.PositiveRate:0.000} | {result.Metrics.Auc:0.0000} | {result.Metrics.LogLoss:0.0000} | {result.Metrics.Brier:0.0000} | {result.Metrics.Accuracy:0.0000} |"));
        return string.Join(Environment.NewLine, lines);
    }
}
