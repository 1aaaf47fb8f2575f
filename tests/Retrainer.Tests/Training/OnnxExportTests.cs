using Modeling.Scoring;
using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Training;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

public sealed class OnnxExportTests(ITestOutputHelper output)
{
    [DemoDataFact]
    public async Task Exported_ONNX_model_gives_ML_NET_probabilities_on_held_out_flights()
    {
        var flights = DemoData.RequireFlightsFile();
        // A smaller forest than the bootstrap model's (50 trees of its 64 leaves, on 50,000 January flights) keeps the
        // suite fast; the exporter is the same code whatever the number of trees.
        var options = new FlightDelayTrainingOptions { Version = "export-test", MaximumRows = 50_000, Trees = 50 };
        var trained = await new FlightDelayTrainer(new ManualClock()).TrainAsync(flights, options, CancellationToken.None);

        // Held-out rows: the training window's hold-out and the first days of the next month, which the model never saw.
        var february = new List<FlightRecord>();
        await foreach (var flight in FlightsParquetReader.ReadAsync(flights, new DateTime(2001, 2, 1), new DateTime(2001, 2, 4)))
            february.Add(flight);
        var heldOut = new[] { trained.Holdout, FeatureTable.Build(trained.Bundle.Card, [.. february.Select(FlightDelayModel.Example)]) };

        using var scorer = OnnxScorer.Load(trained.Bundle.Card, trained.Bundle.Onnx);
        var rows = 0;
        var maximumDifference = 0.0;
        foreach (var table in heldOut)
        {
            var fromOnnx = scorer.ScoreProbabilities(table.Features);
            var fromMlNet = trained.PredictWithMlNet(table);
            Assert.Equal(fromMlNet.Length, fromOnnx.Length);
            for (var i = 0; i < fromOnnx.Length; i++)
                maximumDifference = Math.Max(maximumDifference, Math.Abs(fromOnnx[i] - fromMlNet[i]));
            rows += fromOnnx.Length;
        }

        output.WriteLine($"rows compared: {rows:N0}; max |Δp| between ML.NET and ONNX Runtime: {maximumDifference:E2}");
        Assert.True(rows >= 10_000, $"only {rows} held-out rows were compared");
        Assert.True(maximumDifference <= 1e-4, $"max |Δp| = {maximumDifference:E3} exceeds 1e-4");
    }
}
