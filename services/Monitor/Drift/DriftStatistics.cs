namespace Monitor.Drift;

/// <summary>
/// The drift statistics between a reference distribution (shares per bin or category, from the model card)
/// and live counts in the same bins. Empty bins are floored at <see cref="Floor"/> where a logarithm or a
/// division needs it, as Evidently and NannyML do, so a category never seen in training gives a large but
/// finite score.
/// </summary>
public static class DriftStatistics
{
    /// <summary>The smallest share a bin is given in PSI, chi-square's expectations and Jensen–Shannon.</summary>
    public const double Floor = 1e-4;

    /// <summary>
    /// Population stability index: Σ (live − reference) · ln(live / reference) over the bins, shares floored at
    /// <see cref="Floor"/>. Rule of thumb: below 0.1 stable, 0.1–0.2 moderate, above 0.2 significant drift.
    /// </summary>
    public static double PopulationStabilityIndex(IReadOnlyList<double> reference, IReadOnlyList<long> live)
    {
        var total = Total(reference, live);
        if (total == 0)
            return double.NaN;
        var psi = 0.0;
        for (var bin = 0; bin < reference.Count; bin++)
        {
            var expected = Math.Max(reference[bin], Floor);
            var actual = Math.Max((double)live[bin] / total, Floor);
            psi += (actual - expected) * Math.Log(actual / expected);
        }

        return psi;
    }

    /// <summary>
    /// Jensen–Shannon distance with base-2 logarithms: the square root of the mean Kullback–Leibler divergence of
    /// both distributions from their average; 0 for identical distributions, 1 for disjoint ones.
    /// </summary>
    public static double JensenShannonDistance(IReadOnlyList<double> reference, IReadOnlyList<long> live)
    {
        var total = Total(reference, live);
        if (total == 0)
            return double.NaN;
        var referenceSum = reference.Sum();
        var divergence = 0.0;
        for (var bin = 0; bin < reference.Count; bin++)
        {
            var p = reference[bin] / referenceSum;
            var q = (double)live[bin] / total;
            var m = (p + q) / 2;
            if (p > 0)
                divergence += 0.5 * p * Math.Log2(p / m);
            if (q > 0)
                divergence += 0.5 * q * Math.Log2(q / m);
        }

        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    /// <summary>
    /// Pearson's chi-square goodness-of-fit test of the live counts against the reference shares (expected
    /// count n · share, share floored at <see cref="Floor"/>), with bins − 1 degrees of freedom.
    /// </summary>
    public static TestResult ChiSquare(IReadOnlyList<double> reference, IReadOnlyList<long> live)
    {
        var total = Total(reference, live);
        if (total == 0 || reference.Count < 2)
            return new TestResult(double.NaN, double.NaN);
        var floored = reference.Select(share => Math.Max(share, Floor)).ToArray();
        var sum = floored.Sum();
        var statistic = 0.0;
        for (var bin = 0; bin < floored.Length; bin++)
        {
            var expected = total * floored[bin] / sum;
            var difference = live[bin] - expected;
            statistic += difference * difference / expected;
        }

        var degreesOfFreedom = floored.Length - 1;
        return new TestResult(statistic, SpecialFunctions.ChiSquareSurvival(statistic, degreesOfFreedom));
    }

    /// <summary>
    /// One-sample Kolmogorov–Smirnov test of live values against the reference distribution, evaluated where the
    /// reference's cumulative distribution is known: at the inner bin edges (the training deciles). D is the
    /// largest difference between the live and reference cumulative shares there (a lower bound of the
    /// continuous D); the p-value is Kolmogorov's asymptotic distribution at (√n + 0.12 + 0.11/√n)·D (Stephens).
    /// </summary>
    public static TestResult KolmogorovSmirnov(IReadOnlyList<double> reference, IReadOnlyList<long> live)
    {
        var total = Total(reference, live);
        if (total == 0)
            return new TestResult(double.NaN, double.NaN);
        var referenceSum = reference.Sum();
        double referenceCumulative = 0, liveCumulative = 0, largest = 0;
        for (var bin = 0; bin < reference.Count - 1; bin++)
        {
            referenceCumulative += reference[bin] / referenceSum;
            liveCumulative += (double)live[bin] / total;
            largest = Math.Max(largest, Math.Abs(liveCumulative - referenceCumulative));
        }

        var root = Math.Sqrt(total);
        return new TestResult(largest, SpecialFunctions.KolmogorovSurvival((root + 0.12 + 0.11 / root) * largest));
    }

    private static long Total(IReadOnlyList<double> reference, IReadOnlyList<long> live)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(live);
        if (reference.Count != live.Count)
            throw new ArgumentException($"{live.Count} live bins for {reference.Count} reference bins", nameof(live));
        long total = 0;
        foreach (var count in live)
            total += count;
        return total;
    }
}

/// <summary>A statistical test's statistic and p-value (NaN when there is nothing to test).</summary>
public readonly record struct TestResult(double Statistic, double PValue);
