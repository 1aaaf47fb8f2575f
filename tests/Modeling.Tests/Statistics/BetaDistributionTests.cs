using Modeling.Statistics;

namespace Modeling.Tests.Statistics;

public sealed class BetaDistributionTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 8)]
    [InlineData(0.5, 0.5)]
    [InlineData(30, 10)]
    public void Draws_have_the_mean_and_variance_of_the_beta_distribution(double alpha, double beta)
    {
        var random = new Random(7);
        var draws = Enumerable.Range(0, 200_000).Select(_ => BetaDistribution.Sample(random, alpha, beta)).ToArray();

        var mean = alpha / (alpha + beta);
        var variance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1));
        Assert.All(draws, draw => Assert.InRange(draw, 0, 1));
        Assert.Equal(mean, draws.Average(), 0.003);
        Assert.Equal(variance, draws.Select(draw => (draw - mean) * (draw - mean)).Average(), 0.002);
    }

    [Fact]
    public void The_probability_that_one_arm_is_better_matches_the_exact_sum()
    {
        // P(B > A) for A ~ Beta(a1, b1), B ~ Beta(a2, b2) with integer parameters (Miller's closed form):
        // sum over i < a2 of B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1)).
        static double Exact(int a1, int b1, int a2, int b2)
        {
            double total = 0;
            for (var i = 0; i < a2; i++)
                total += Math.Exp(LogBeta(a1 + i, b1 + b2) - Math.Log(b2 + i) - LogBeta(1 + i, b2) - LogBeta(a1, b1));
            return total;
        }

        var random = new Random(11);
        foreach (var (a1, b1, a2, b2) in new[] { (16, 16, 26, 6), (5, 5, 5, 5), (71, 31, 73, 29), (3, 9, 2, 4) })
            Assert.Equal(Exact(a1, b1, a2, b2), BetaDistribution.ProbabilityGreater(random, a1, b1, a2, b2, 200_000), 0.005);
    }

    [Fact]
    public void Parameters_that_are_not_positive_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaDistribution.Sample(new Random(1), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaDistribution.Sample(new Random(1), 1, double.NaN));
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    // Integers only here: ln((n - 1)!).
    private static double LogGamma(double n) => Enumerable.Range(1, (int)n - 1).Sum(k => Math.Log(k));
}
