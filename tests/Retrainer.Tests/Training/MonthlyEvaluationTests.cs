using Modeling.Flights;
using Retrainer.Evaluation;
using Xunit.Abstractions;

namespace Retrainer.Tests.Training;

[Collection(BootstrapModelGroup.Name)]
public sealed class MonthlyEvaluationTests(BootstrapModelFixture fixture, ITestOutputHelper output)
{
    [DemoDataFact]
    public async Task Every_month_after_the_training_window_is_scored_in_full()
    {
        var results = await MonthlyEvaluation.EvaluateAsync(fixture.Bundle, DemoData.RequireFlightsFile(), CancellationToken.None);
        output.WriteLine(MonthlyEvaluation.ToMarkdown(results));

        Assert.Equal(["2001-01 (hold-out)", "2001-02", "2001-03", "2001-04", "2001-05", "2001-06"], results.Select(result => result.Period));
        // Flights per month in flights-3m.parquet; all of them are valid input for the model.
        Assert.Equal([458_170L, 511_502, 501_030, 518_831, 502_222], results.Skip(1).Select(result => result.Metrics.Rows));
        Assert.All(results, result => Assert.InRange(result.Metrics.Auc, 0.5, 1.0));
    }
}
