using Monitor.Drift;

namespace Monitor.Tests.Drift;

/// <summary>Each drift statistic against a value computed in the test from its textbook definition or a published table.</summary>
public sealed class DriftStatisticsTests
{
    [Fact]
    public void PSI_is_the_sum_of_share_differences_times_their_log_ratio()
    {
        double[] reference = [0.5, 0.3, 0.2];
        long[] live = [70, 20, 10];
        var expected = 0.0;
        for (var i = 0; i < 3; i++)
        {
            var share = live[i] / 100.0;
            expected += (share - reference[i]) * Math.Log(share / reference[i]);
        }

        Assert.Equal(expected, DriftStatistics.PopulationStabilityIndex(reference, live), 12);
        Assert.Equal(0.0, DriftStatistics.PopulationStabilityIndex(reference, [500, 300, 200]), 12);
    }

    [Fact]
    public void PSI_of_a_bin_the_reference_never_saw_is_large_but_finite()
    {
        var psi = DriftStatistics.PopulationStabilityIndex([0.5, 0.5, 0.0], [40, 40, 20]);

        Assert.True(double.IsFinite(psi));
        Assert.True(psi > 1, $"PSI {psi} should flag a new category that holds a fifth of the traffic");
    }

    [Fact]
    public void Jensen_Shannon_distance_is_0_for_equal_1_for_disjoint_and_the_definition_in_between()
    {
        double[] reference = [0.25, 0.25, 0.5];
        long[] live = [10, 30, 60];
        double[] q = [0.1, 0.3, 0.6];
        var divergence = 0.0;
        for (var i = 0; i < 3; i++)
        {
            var m = (reference[i] + q[i]) / 2;
            divergence += 0.5 * reference[i] * Math.Log(reference[i] / m) / Math.Log(2) + 0.5 * q[i] * Math.Log(q[i] / m) / Math.Log(2);
        }

        Assert.Equal(Math.Sqrt(divergence), DriftStatistics.JensenShannonDistance(reference, live), 12);
        Assert.Equal(0.0, DriftStatistics.JensenShannonDistance(reference, [1, 1, 2]), 12);
        Assert.Equal(1.0, DriftStatistics.JensenShannonDistance([1.0, 0.0], [0, 7]), 12);
    }

    [Fact]
    public void Chi_square_statistic_is_Pearsons_sum()
    {
        double[] reference = [0.2, 0.3, 0.5];
        long[] live = [30, 30, 40];
        var expected = Math.Pow(30 - 20, 2) / 20 + Math.Pow(30 - 30, 2) / 30 + Math.Pow(40 - 50, 2) / 50;

        var result = DriftStatistics.ChiSquare(reference, live);

        Assert.Equal(expected, result.Statistic, 9);
        // Two degrees of freedom: the survival function is exactly exp(-x/2).
        Assert.Equal(Math.Exp(-expected / 2), result.PValue, 9);
    }

    [Theory]
    [InlineData(3.0, 4)]
    [InlineData(9.4877, 4)]
    [InlineData(0.5, 4)]
    [InlineData(20.0, 4)]
    public void Chi_square_p_value_with_four_degrees_of_freedom_is_the_closed_form(double statistic, int degreesOfFreedom)
    {
        // For 4 degrees of freedom P(X >= x) = exp(-x/2) (1 + x/2).
        var expected = Math.Exp(-statistic / 2) * (1 + statistic / 2);

        Assert.Equal(expected, SpecialFunctions.ChiSquareSurvival(statistic, degreesOfFreedom), 9);
    }

    [Theory]
    [InlineData(3.841, 1, 0.05)]
    [InlineData(6.635, 1, 0.01)]
    [InlineData(18.307, 10, 0.05)]
    [InlineData(23.209, 10, 0.01)]
    [InlineData(124.342, 100, 0.05)]
    public void Chi_square_p_values_match_the_published_critical_values(double critical, int degreesOfFreedom, double p)
    {
        Assert.Equal(p, SpecialFunctions.ChiSquareSurvival(critical, degreesOfFreedom), 3);
    }

    [Theory]
    [InlineData(1.2238, 0.10)]
    [InlineData(1.3581, 0.05)]
    [InlineData(1.6276, 0.01)]
    public void Kolmogorov_tail_matches_the_published_critical_values(double lambda, double p)
    {
        Assert.Equal(p, SpecialFunctions.KolmogorovSurvival(lambda), 3);
    }

    [Fact]
    public void KS_is_the_largest_gap_between_the_live_and_reference_CDFs_at_the_reference_edges()
    {
        // Reference: uniform on [0, 10) in ten equal bins. Live: a sample that leans right.
        double[] edges = [.. Enumerable.Range(0, 11).Select(i => (double)i)];
        var reference = Enumerable.Repeat(0.1, 10).ToArray();
        var random = new Random(7);
        var sample = Enumerable.Range(0, 2000).Select(_ => 10 * Math.Sqrt(random.NextDouble())).ToArray();
        var live = new long[10];
        foreach (var value in sample)
            live[Math.Min(9, (int)value)]++;

        // Independently: the empirical CDF of the raw sample at each inner edge against edge / 10.
        var d = Enumerable.Range(1, 9).Max(edge => Math.Abs(sample.Count(value => value < edges[edge]) / 2000.0 - edge / 10.0));
        var result = DriftStatistics.KolmogorovSmirnov(reference, live);

        Assert.Equal(d, result.Statistic, 12);
        Assert.True(result.PValue < 1e-6, $"p = {result.PValue} for a sample drawn from another distribution");
    }

    [Fact]
    public void A_sample_from_the_reference_distribution_is_not_flagged_by_the_tests()
    {
        var reference = Enumerable.Repeat(0.1, 10).ToArray();
        var random = new Random(11);
        var live = new long[10];
        for (var i = 0; i < 5000; i++)
            live[random.Next(10)]++;

        Assert.True(DriftStatistics.KolmogorovSmirnov(reference, live).PValue > 0.05);
        Assert.True(DriftStatistics.ChiSquare(reference, live).PValue > 0.01);
        Assert.True(DriftStatistics.PopulationStabilityIndex(reference, live) < 0.01);
    }

    [Fact]
    public void Empty_live_windows_give_no_statistic()
    {
        Assert.True(double.IsNaN(DriftStatistics.PopulationStabilityIndex([0.5, 0.5], [0, 0])));
        Assert.True(double.IsNaN(DriftStatistics.ChiSquare([0.5, 0.5], [0, 0]).PValue));
    }
}
