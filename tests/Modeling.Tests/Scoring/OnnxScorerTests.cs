using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Scoring;
using Modeling.Tests.Cards;

namespace Modeling.Tests.Scoring;

public sealed class OnnxScorerTests
{
    private const int DistanceColumn = 2;

    // The flight-delay card's six columns; a stump on distance: ≤ 500 miles scores +1 (late), else −1.
    // With Platt slope −1, offset 0: p = 1 / (1 + e^(−score)), so 0.7311 or 0.2689.
    private static readonly ModelCard Card = SampleCards.FlightDelay() with
    {
        Output = SampleCards.FlightDelay().Output with { Score = "score" },
    };

    private static readonly byte[] Onnx = TreeEnsembleOnnxExporter.Export(
        new TreeEnsembleModel(6, 0.0, [new RegressionTreeModel(1.0, [DistanceColumn], [500f], [~0], [~1], [1.0, -1.0])], new PlattCalibration(-1.0, 0.0)),
        new OnnxExportOptions { ModelName = "flight-delay", ModelVersion = "1" });

    private static readonly float ShortFlightProbability = 1f / (1f + MathF.Exp(-1f));

    [Fact]
    public void Binary_scores_carry_the_positive_probability_the_label_by_threshold_and_the_raw_score()
    {
        using var scorer = OnnxScorer.Load(Card, Onnx);
        var scores = new ModelScore[2];

        scorer.Score(Rows(300, 1500), scores);

        Assert.Equal(1, scores[0].LabelIndex);
        Assert.Equal(ShortFlightProbability, scores[0].Probability, 5);
        Assert.Equal(1f, scores[0].Value);
        Assert.Equal(0, scores[1].LabelIndex);
        Assert.Equal(1 - ShortFlightProbability, scores[1].Probability, 5);
        Assert.Equal(-1f, scores[1].Value);
    }

    [Fact]
    public void The_cards_threshold_decides_the_label()
    {
        var strict = Card with { Output = Card.Output with { Threshold = 0.8 } };
        using var scorer = OnnxScorer.Load(strict, Onnx);
        var scores = new ModelScore[1];

        scorer.Score(Rows(300), scores);

        Assert.Equal(0, scores[0].LabelIndex);
    }

    [Fact]
    public void Batches_larger_than_one_run_are_scored_in_order()
    {
        using var scorer = OnnxScorer.Load(Card, Onnx);
        var distances = Enumerable.Range(0, 70_000).Select(row => row % 2 == 0 ? 100f : 2000f).ToArray();

        var probabilities = scorer.ScoreProbabilities(Rows(distances));

        Assert.Equal(70_000, probabilities.Length);
        Assert.All(probabilities.Where((_, row) => row % 2 == 0), p => Assert.Equal(ShortFlightProbability, p, 5));
        Assert.All(probabilities.Where((_, row) => row % 2 == 1), p => Assert.Equal(1 - ShortFlightProbability, p, 5));
    }

    [Fact]
    public async Task One_scorer_serves_concurrent_callers()
    {
        using var scorer = OnnxScorer.Load(Card, Onnx);

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(caller => Task.Run(() =>
        {
            var distance = caller % 2 == 0 ? 100f : 2000f;
            var scores = new ModelScore[50];
            for (var repeat = 0; repeat < 50; repeat++)
                scorer.Score(Rows(Enumerable.Repeat(distance, 50).ToArray()), scores);
            return (caller, scores);
        })));

        Assert.All(results, result => Assert.All(result.scores, score => Assert.Equal(result.caller % 2 == 0 ? 1 : 0, score.LabelIndex)));
    }

    [Fact]
    public void A_model_without_the_cards_input_is_refused_with_its_actual_inputs()
    {
        var card = Card with { Input = Card.Input with { Name = "x" } };

        var error = Assert.Throws<InvalidOperationException>(() => OnnxScorer.Load(card, Onnx));

        Assert.Contains("no input 'x'", error.Message);
        Assert.Contains("features", error.Message);
    }

    [Fact]
    public void A_model_whose_width_differs_from_the_card_is_refused()
    {
        var card = SampleCards.WithFeatures(Card, SampleCards.Origin, SampleCards.Distance);

        var error = Assert.Throws<InvalidOperationException>(() => OnnxScorer.Load(card, Onnx));

        Assert.Contains("[N, 2]", error.Message);
    }

    [Fact]
    public void A_missing_output_and_bytes_that_are_not_ONNX_are_refused()
    {
        var card = Card with { Output = Card.Output with { Probability = "p" } };
        Assert.Contains("no output 'p'", Assert.Throws<InvalidOperationException>(() => OnnxScorer.Load(card, Onnx)).Message);

        Assert.Contains("cannot load", Assert.Throws<InvalidOperationException>(() => OnnxScorer.Load(Card, [1, 2, 3])).Message);
    }

    private static float[] Rows(params float[] distances)
    {
        var rows = new float[distances.Length * 6];
        for (var row = 0; row < distances.Length; row++)
            rows[(row * 6) + DistanceColumn] = distances[row];
        return rows;
    }
}
