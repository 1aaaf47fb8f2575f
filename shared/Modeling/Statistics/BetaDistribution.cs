namespace Modeling.Statistics;

/// <summary>
/// Draws from Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β), the gammas by Marsaglia and Tsang's method
/// (2000; for shape &lt; 1 boosted by U^(1/shape)). Used for Thompson sampling: Inference draws once per arm per record,
/// the Retrainer estimates the probability that one arm is better.
/// </summary>
public static class BetaDistribution
{
    /// <summary>One draw from Beta(<paramref name="alpha"/>, <paramref name="beta"/>); both must be positive.</summary>
    public static double Sample(Random random, double alpha, double beta)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(alpha > 0) || !(beta > 0))
            throw new ArgumentOutOfRangeException(nameof(alpha), $"Beta({alpha}, {beta}) needs positive parameters");
        var x = Gamma(random, alpha);
        var y = Gamma(random, beta);
        return x / (x + y);
    }

    /// <summary>
    /// The probability that a draw from Beta(<paramref name="alphaB"/>, <paramref name="betaB"/>) exceeds one from
    /// Beta(<paramref name="alphaA"/>, <paramref name="betaA"/>), estimated from <paramref name="draws"/> paired draws.
    /// </summary>
    public static double ProbabilityGreater(Random random, double alphaA, double betaA, double alphaB, double betaB, int draws = 20_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(draws);
        var wins = 0;
        for (var i = 0; i < draws; i++)
        {
            if (Sample(random, alphaB, betaB) > Sample(random, alphaA, betaA))
                wins++;
        }

        return (double)wins / draws;
    }

    private static double Gamma(Random random, double shape)
    {
        if (shape < 1)
            return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
                return d * v;
        }
    }

    // Box–Muller.
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
