using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Tests.Cards;

namespace Modeling.Tests.Onnx;

/// <summary>
/// The check the registry applies to an uploaded version (and the scorer on load): a real ONNX file, exported by
/// the platform's exporter, against cards that fit it or contradict it in one place each.
/// </summary>
public sealed class OnnxCardCheckTests
{
    // The flight-delay card's six columns, input "features", outputs "probability" and "score" ([N, 1] floats).
    private static readonly ModelCard Card = SampleCards.FlightDelay() with
    {
        Output = SampleCards.FlightDelay().Output with { Score = "score" },
    };

    private static readonly byte[] Onnx = TreeEnsembleOnnxExporter.Export(
        new TreeEnsembleModel(6, 0.0, [new RegressionTreeModel(1.0, [2], [500f], [~0], [~1], [1.0, -1.0])], new PlattCalibration(-1.0, 0.0)),
        new OnnxExportOptions { ModelName = "flight-delay", ModelVersion = "1" });

    [Fact]
    public void A_model_that_fits_its_card_passes()
    {
        Assert.Empty(OnnxCardCheck.Check(Card, Onnx));
    }

    [Fact]
    public void A_card_with_another_column_count_is_refused_at_its_input_columns()
    {
        var card = SampleCards.WithFeatures(Card, SampleCards.Origin, SampleCards.Distance);

        var mismatch = Assert.Single(OnnxCardCheck.Check(card, Onnx));

        Assert.Equal("$.input.columns", mismatch.CardPath);
        Assert.Contains("[-1, 6]", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("[N, 2]", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_card_naming_another_input_is_refused_at_its_input_name_with_the_models_inputs()
    {
        var card = Card with { Input = Card.Input with { Name = "input" } };

        var mismatch = Assert.Single(OnnxCardCheck.Check(card, Onnx));

        Assert.Equal("$.input.name", mismatch.CardPath);
        Assert.Contains("no input 'input'", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("features", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_ONNX_is_refused_as_the_file_itself()
    {
        var mismatch = Assert.Single(OnnxCardCheck.Check(Card, "{\"not\": \"a model\"}"u8.ToArray()));

        Assert.Null(mismatch.CardPath);
        Assert.Contains("cannot load", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_outputs_are_each_refused_at_the_card_field_that_names_them()
    {
        var card = Card with { Output = Card.Output with { Probability = "probabilities", Score = "logit" } };

        var mismatches = OnnxCardCheck.Check(card, Onnx);

        Assert.Equal(["$.output.probability", "$.output.score"], mismatches.Select(mismatch => mismatch.CardPath));
        Assert.All(mismatches, mismatch => Assert.Contains("it has: ", mismatch.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_multiclass_card_refuses_a_probability_output_without_one_column_per_label()
    {
        var card = Card with { Task = ModelTask.Multiclass, Output = Card.Output with { Labels = ["early", "on-time", "late"] } };

        var mismatch = Assert.Single(OnnxCardCheck.Check(card, Onnx));

        Assert.Equal("$.output.probability", mismatch.CardPath);
        Assert.Contains("[N, 3]", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_card_needs_only_the_score_output()
    {
        var card = Card with { Task = ModelTask.Regression, Output = new ModelOutput { Score = "score" } };

        Assert.Empty(OnnxCardCheck.Check(card, Onnx));
    }
}
