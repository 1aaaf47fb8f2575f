using Monitor.Performance;
using Monitor.Windows;

namespace Monitor.Tests.Performance;

/// <summary>Live and estimated performance against values computed in the test from the raw predictions and labels.</summary>
public sealed class PerformanceTests
{
    private const double Threshold = 0.5;

    [Fact]
    public void Realized_metrics_equal_the_direct_computation_on_the_raw_rows()
    {
        var rows = Sample(20_000, seed: 3, calibrated: false);
        var outcomes = new OutcomeAggregate();
        foreach (var (p, y) in rows)
            outcomes.Add(p, y, p >= Threshold, DateTimeOffset.UnixEpoch);

        var realized = RealizedPerformance.Of(outcomes)!;

        long tp = rows.Count(r => r.P >= Threshold && r.Y), fp = rows.Count(r => r.P >= Threshold && !r.Y);
        long fn = rows.Count(r => r.P < Threshold && r.Y), tn = rows.Count(r => r.P < Threshold && !r.Y);
        Assert.Equal((double)(tp + tn) / rows.Count, realized.Accuracy!.Value, 12);
        Assert.Equal((double)tp / (tp + fp), realized.Precision!.Value, 12);
        Assert.Equal((double)tp / (tp + fn), realized.Recall!.Value, 12);
        Assert.Equal(rows.Average(r => -Math.Log(Math.Clamp(r.Y ? r.P : 1 - r.P, 1e-15, 1))), realized.LogLoss!.Value, 8);
        Assert.Equal(rows.Average(r => Math.Pow(r.P - (r.Y ? 1 : 0), 2)), realized.Brier!.Value, 9);
        // The binned AUC ties predictions within 0.01 of each other: close to the exact AUC.
        Assert.Equal(ExactAuc(rows), realized.Auc!.Value, 2);
    }

    [Fact]
    public void Binned_AUC_is_the_Mann_Whitney_statistic_over_bins()
    {
        long[] positives = [1, 0, 3, 2];
        long[] negatives = [2, 4, 1, 0];
        // Every (positive, negative) pair: 1 if the positive's bin is higher, 1/2 if equal.
        double wins = 0;
        for (var pb = 0; pb < 4; pb++)
            for (var nb = 0; nb < 4; nb++)
                wins += positives[pb] * negatives[nb] * (pb > nb ? 1 : pb == nb ? 0.5 : 0);

        Assert.Equal(wins / (6.0 * 7.0), BinnedRocAuc.Of(positives, negatives)!.Value, 12);
        Assert.Null(BinnedRocAuc.Of([1L, 2L], [0L, 0L]));
    }

    [Fact]
    public void Calibration_bins_hold_the_mean_probability_and_observed_rate_and_ECE_weights_their_gaps()
    {
        var rows = Sample(10_000, seed: 5, calibrated: false);
        var outcomes = new OutcomeAggregate();
        foreach (var (p, y) in rows)
            outcomes.Add(p, y, p >= Threshold, DateTimeOffset.UnixEpoch);

        var realized = RealizedPerformance.Of(outcomes)!;

        var expectedEce = 0.0;
        foreach (var bin in realized.Calibration)
        {
            var inBin = rows.Where(r => r.P >= bin.From && (r.P < bin.To || bin.To == 1.0 && r.P <= 1)).ToList();
            Assert.Equal(inBin.Count, bin.Rows);
            Assert.Equal(inBin.Average(r => (double)r.P), bin.MeanProbability, 6);
            Assert.Equal(inBin.Count(r => r.Y) / (double)inBin.Count, bin.ObservedRate, 12);
            expectedEce += inBin.Count / (double)rows.Count * Math.Abs(bin.MeanProbability - bin.ObservedRate);
        }

        Assert.Equal(rows.Count, realized.Calibration.Sum(bin => bin.Rows));
        Assert.Equal(expectedEce, realized.ExpectedCalibrationError!.Value, 12);
    }

    [Fact]
    public void Estimated_performance_is_the_expectation_of_the_confusion_matrix_under_the_probabilities()
    {
        var rows = Sample(5000, seed: 9, calibrated: true);
        var predictions = Predictions(rows);

        var estimated = EstimatedPerformance.Of(predictions)!;

        double tp = rows.Where(r => r.P >= Threshold).Sum(r => (double)r.P);
        double fp = rows.Where(r => r.P >= Threshold).Sum(r => 1 - (double)r.P);
        double fn = rows.Where(r => r.P < Threshold).Sum(r => (double)r.P);
        double tn = rows.Where(r => r.P < Threshold).Sum(r => 1 - (double)r.P);
        Assert.Equal((tp + tn) / rows.Count, estimated.Accuracy!.Value, 6);
        Assert.Equal(tp / (tp + fp), estimated.Precision!.Value, 6);
        Assert.Equal(tp / (tp + fn), estimated.Recall!.Value, 6);
    }

    [Fact]
    public void With_calibrated_probabilities_the_estimate_matches_what_the_labels_later_show()
    {
        var rows = Sample(200_000, seed: 13, calibrated: true);
        var predictions = Predictions(rows);
        var outcomes = new OutcomeAggregate();
        foreach (var (p, y) in rows)
            outcomes.Add(p, y, p >= Threshold, DateTimeOffset.UnixEpoch);

        var estimated = EstimatedPerformance.Of(predictions)!;
        var realized = RealizedPerformance.Of(outcomes)!;

        Assert.Equal(realized.Accuracy!.Value, estimated.Accuracy!.Value, 2);
        Assert.Equal(realized.Auc!.Value, estimated.Auc!.Value, 2);
        Assert.Equal(realized.Precision!.Value, estimated.Precision!.Value, 2);
        Assert.Equal(realized.Recall!.Value, estimated.Recall!.Value, 2);
    }

    [Fact]
    public void With_miscalibrated_probabilities_the_estimate_and_the_labels_part()
    {
        // The labels follow p², not p: the model claims more confidence in positives than it has.
        var random = new Random(17);
        var rows = Enumerable.Range(0, 50_000).Select(_ =>
        {
            var p = (float)random.NextDouble();
            return (P: p, Y: random.NextDouble() < p * p);
        }).ToList();
        var outcomes = new OutcomeAggregate();
        foreach (var (p, y) in rows)
            outcomes.Add(p, y, p >= Threshold, DateTimeOffset.UnixEpoch);

        var estimated = EstimatedPerformance.Of(Predictions(rows))!;
        var realized = RealizedPerformance.Of(outcomes)!;

        Assert.True(estimated.Precision!.Value - realized.Precision!.Value > 0.1,
            $"estimated precision {estimated.Precision} should exceed the realized {realized.Precision} clearly");
    }

    private static PredictionAggregate Predictions(IEnumerable<(float P, bool Y)> rows)
    {
        var aggregate = new PredictionAggregate();
        foreach (var (p, _) in rows)
        {
            aggregate.Rows++;
            var bin = ProbabilityBins.Of(p);
            aggregate.ProbabilityCounts[bin]++;
            aggregate.ProbabilitySums[bin] += p;
            if (p >= Threshold)
            {
                aggregate.PredictedPositive++;
                aggregate.PositiveProbabilitySum += p;
            }
        }

        return aggregate;
    }

    // Probabilities skewed low like the flight model's; labels drawn with P(y) = p when calibrated, else from a shifted p.
    private static List<(float P, bool Y)> Sample(int count, int seed, bool calibrated)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var p = (float)Math.Pow(random.NextDouble(), 1.7);
            var truth = calibrated ? p : Math.Clamp(p * 0.8 + 0.1, 0, 1);
            return (P: p, Y: random.NextDouble() < truth);
        })];
    }

    private static double ExactAuc(IReadOnlyList<(float P, bool Y)> rows)
    {
        // Rank-sum (Mann–Whitney) with average ranks for ties.
        var ordered = rows.Select((row, index) => (row.P, row.Y)).OrderBy(row => row.P).ToList();
        var ranks = new double[ordered.Count];
        for (var i = 0; i < ordered.Count;)
        {
            var j = i;
            while (j + 1 < ordered.Count && ordered[j + 1].P == ordered[i].P)
                j++;
            for (var k = i; k <= j; k++)
                ranks[k] = (i + j) / 2.0 + 1;
            i = j + 1;
        }

        double positives = ordered.Count(row => row.Y), negatives = ordered.Count - positives;
        var rankSum = ordered.Select((row, index) => row.Y ? ranks[index] : 0).Sum();
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }
}
