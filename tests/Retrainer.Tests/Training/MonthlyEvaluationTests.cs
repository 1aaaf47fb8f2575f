using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Evaluation;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

public sealed class MonthlyEvaluationTests(ITestOutputHelper output)
{
    [DemoDataFact]
    public async Task Every_month_after_the_training_window_is_scored_in_full()
    {
        var flights = DemoData.RequireFlightsFile();
        // A small model trained on January (20 trees on 20,000 flights): the evaluation reads and scores every flight of
        // the following months whatever the model, and the bootstrap's 300 trees made scoring 2.5 million flights the
        // slowest test of the suite.
        var options = new FlightDelayTrainingOptions { Version = "evaluation-test", MaximumRows = 20_000, Trees = 20 };
        var trained = await new FlightDelayTrainer(new ManualClock()).TrainAsync(flights, options, CancellationToken.None);

        var results = await MonthlyEvaluation.EvaluateAsync(trained.Bundle, flights, CancellationToken.None);
        output.WriteLine(MonthlyEvaluation.ToMarkdown(results));

        Assert.Equal(["2001-01 (hold-out)", "2001-02", "2001-03", "2001-04", "2001-05", "2001-06"], results.Select(result => result.Period));
        // Flights per month in flights-3m.parquet; all of them are valid input for the model.
        Assert.Equal([458_170L, 511_502, 501_030, 518_831, 502_222], results.Skip(1).Select(result => result.Metrics.Rows));
        Assert.All(results, result => Assert.InRange(result.Metrics.Auc, 0.5, 1.0));
    }
}
