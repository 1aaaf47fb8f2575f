using Contracts.Predictions;
using Inference.Runtime;
using Modeling.Cards;
using Modeling.Scoring;
using TestSupport;

namespace Inference.Tests.Runtime;

/// <summary>
/// The predictions and prediction events of a scored request: a multiclass model's carry every label's probability (the
/// client's answer shows them; Monitor needs the true label's for log loss), other tasks' carry none.
/// </summary>
public sealed class PredictionEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_multiclass_model_s_events_carry_every_label_s_probability_in_the_card_s_order()
    {
        // Scores per label: x, 0 and −x (bias 0), so the softmax is worked out below from x alone.
        var weights = new float[2, 3];
        (weights[0, 0], weights[0, 2]) = (1f, -1f);
        var model = Load(Card(ModelTask.Multiclass, ["low", "middle", "high"]), LinearOnnxModel.Multiclass(weights, [0f, 0f, 0f]));
        float[] features = [2f, 0f, -1f, 0f];

        var scored = PredictionEvents.Score(model, features);
        var predictions = PredictionEvents.PredictionsOf(model, scored.Scores, scored.Probabilities);
        var events = PredictionEvents.Of(model, predictions, features, scored.Probabilities, null, PredictionSources.Tensor, Now, Now);

        Assert.Equal(2, events.Length);
        // The answer's predictions carry the same probabilities as their events.
        foreach (var (prediction, made) in predictions.Zip(events))
            Assert.Equal(made.Probabilities, prediction.Probabilities);
        foreach (var (prediction, x) in events.Zip([2.0, -1.0]))
        {
            var total = Math.Exp(x) + 1 + Math.Exp(-x);
            double[] expected = [Math.Exp(x) / total, 1 / total, Math.Exp(-x) / total];
            Assert.Equal(3, prediction.Probabilities!.Length);
            for (var label = 0; label < 3; label++)
                Assert.Equal(expected[label], prediction.Probabilities[label], 5);
            Assert.Equal(prediction.Probabilities.Max(), prediction.Probability);
        }

        Assert.Equal(["low", "high"], events.Select(prediction => prediction.Label));
    }

    [Fact]
    public void A_regression_model_s_events_carry_no_label_probabilities()
    {
        var model = Load(Card(ModelTask.Regression, []), LinearOnnxModel.Regression([2f, 0f], 1f));
        float[] features = [3f, 0f];

        var scored = PredictionEvents.Score(model, features);
        var answered = Assert.Single(PredictionEvents.PredictionsOf(model, scored.Scores, scored.Probabilities));
        var prediction = Assert.Single(PredictionEvents.Of(model, [answered], features, scored.Probabilities, null, PredictionSources.Tensor, Now, Now));

        Assert.Empty(scored.Probabilities);
        Assert.Null(answered.Probabilities);
        Assert.Null(prediction.Probabilities);
        Assert.Equal(7f, prediction.Value!.Value, 5);
    }

    private static LoadedModel Load(ModelCard card, byte[] onnx) => new(OnnxScorer.Load(card, onnx), new string('0', 64), Now);

    private static ModelCard Card(ModelTask task, IReadOnlyList<string> labels) => new()
    {
        Name = "small",
        Version = "1",
        Task = task,
        Features = [new NumericFeature { Name = "x" }, new NumericFeature { Name = "y" }],
        Input = new ModelInput { Name = "features", Columns = ["x", "y"] },
        Output = task == ModelTask.Multiclass
            ? new ModelOutput { Probability = "probabilities", Labels = labels }
            : new ModelOutput { Score = "value" },
    };
}
