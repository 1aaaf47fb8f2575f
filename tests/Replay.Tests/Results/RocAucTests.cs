using Replay.Results;

namespace Replay.Tests.Results;

public sealed class RocAucTests
{
    [Fact]
    public void Perfect_reversed_and_uninformative_scores()
    {
        Assert.Equal(1.0, RocAuc.Of([0.1f, 0.2f, 0.8f, 0.9f], [false, false, true, true]));
        Assert.Equal(0.0, RocAuc.Of([0.9f, 0.8f, 0.2f, 0.1f], [false, false, true, true]));
        Assert.Equal(0.5, RocAuc.Of([0.3f, 0.3f, 0.3f, 0.3f], [false, true, false, true]));
    }

    [Fact]
    public void A_small_case_by_hand()
    {
        // Positives 0.8, 0.4; negatives 0.5, 0.4, 0.1. Pairs: (0.8 > all three) = 3, (0.4 vs 0.5) = 0, (0.4 = 0.4) = ½, (0.4 > 0.1) = 1.
        Assert.Equal(4.5 / 6, RocAuc.Of([0.8f, 0.5f, 0.4f, 0.4f, 0.1f], [true, false, true, false, false]));
    }

    [Fact]
    public void Agrees_with_counting_every_positive_negative_pair_on_random_scores_with_ties()
    {
        var random = new Random(2001);
        for (var trial = 0; trial < 50; trial++)
        {
            var count = random.Next(2, 300);
            // Coarse scores (20 levels) so that ties are common; labels correlated with the score.
            var scores = Enumerable.Range(0, count).Select(_ => random.Next(0, 20) / 20f).ToArray();
            var labels = scores.Select(score => random.NextDouble() < 0.2 + 0.6 * score).ToArray();

            var expected = MannWhitneyByPairs(scores, labels);
            var actual = RocAuc.Of(scores, labels);

            if (expected is null)
                Assert.Null(actual);
            else
                Assert.Equal(expected.Value, actual!.Value, precision: 12);
        }
    }

    [Fact]
    public void One_class_only_has_no_auc()
    {
        Assert.Null(RocAuc.Of([0.1f, 0.9f], [true, true]));
        Assert.Null(RocAuc.Of([0.1f, 0.9f], [false, false]));
        Assert.Null(RocAuc.Of([], []));
    }

    // The definition: the share of (positive, negative) pairs in which the positive scores higher, ties counting half.
    private static double? MannWhitneyByPairs(float[] scores, bool[] labels)
    {
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            for (var j = 0; j < scores.Length; j++)
            {
                if (!labels[i] || labels[j])
                    continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }

        return pairs == 0 ? null : wins / pairs;
    }
}
