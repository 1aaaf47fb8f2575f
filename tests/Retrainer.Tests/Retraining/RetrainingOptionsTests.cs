using Retrainer.Demo;
using Retrainer.Retraining;

namespace Retrainer.Tests.Retraining;

public sealed class RetrainingOptionsTests
{
    [Fact]
    public void A_models_metric_and_margin_override_the_shared_ones_and_unset_the_metric_is_the_tasks()
    {
        var options = new RetrainingOptions
        {
            Margin = 0.01,
            Models =
            {
                ["house-price"] = new ModelRetrainingSettings { Metric = EvaluationMetrics.Mae, Margin = 2.5 },
                ["iris"] = new ModelRetrainingSettings { Metric = EvaluationMetrics.MacroF1 },
            },
        };

        Assert.Equal((EvaluationMetrics.Mae, 2.5), (options.For("house-price").Metric, options.For("house-price").Margin));
        Assert.Equal((EvaluationMetrics.MacroF1, 0.01), (options.For("iris").Metric, options.For("iris").Margin));
        Assert.Equal((null, 0.01), (options.For("flight-delay").Metric, options.For("flight-delay").Margin));
        Assert.Empty(options.Errors());
    }

    [Fact]
    public void An_unknown_metric_and_a_margin_a_share_cannot_have_are_refused_naming_the_key()
    {
        var options = new RetrainingOptions
        {
            Metric = "accuracy",
            Models =
            {
                ["iris"] = new ModelRetrainingSettings { Metric = EvaluationMetrics.MacroF1, Margin = 1.5 },
                ["house-price"] = new ModelRetrainingSettings { Metric = EvaluationMetrics.Rmse, Margin = 1.5 },
                ["broken"] = new ModelRetrainingSettings { Margin = double.NaN },
            },
        };

        var errors = options.Errors().ToList();

        Assert.Contains(errors, error => error.StartsWith("Retraining:Metric must be one of auc, logLoss, macroF1, rmse, mae, not 'accuracy'", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("Retraining:Models:iris:Margin must be between -1 and 1 for macroF1", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("Retraining:Models:broken:Margin must be a number", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, error => error.StartsWith("Retraining:Models:house-price:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_models_hyperparameters_override_the_shared_ones_and_unset_they_are_the_champions()
    {
        var options = new RetrainingOptions
        {
            Trees = 200,
            Models =
            {
                ["iris"] = new ModelRetrainingSettings { Trees = 50, Leaves = 8, MinimumRowsPerLeaf = 5 },
                ["broken"] = new ModelRetrainingSettings { Leaves = 1 },
            },
        };

        Assert.Equal((50, 8, 5), (options.For("iris").Trees, options.For("iris").Leaves, options.For("iris").MinimumRowsPerLeaf));
        // Unset: the shared setting, else null (the champion's card decides).
        Assert.Equal((200, null, null), (options.For("flight-delay").Trees, options.For("flight-delay").Leaves, options.For("flight-delay").MinimumRowsPerLeaf));
        var error = Assert.Single(options.Errors());
        Assert.StartsWith("Retraining:Models:broken:Trees and MinimumRowsPerLeaf must be positive, Leaves at least 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_flights_demos_airport_minimum_must_be_positive_when_set()
    {
        Assert.Empty(new FlightDelayRetrainingOptions().Errors());
        Assert.Equal(["Retraining:MinimumAirportFlights must be positive."], new FlightDelayRetrainingOptions { MinimumAirportFlights = 0 }.Errors());
    }
}
