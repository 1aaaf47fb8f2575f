namespace Monitor.Windows;

/// <summary>
/// What Monitor keeps of a set of predictions of one model version: counts per reference bin or category of
/// every tensor column (and of the output), the probabilities in <see cref="ProbabilityBins.Count"/> fine bins
/// (for prediction drift and confidence-based performance estimation), and latencies. Mergeable by adding,
/// so time buckets and count-window slices combine into any window without keeping the predictions.
/// Serialized as JSON into the store.
/// </summary>
public sealed class PredictionAggregate
{
    /// <summary>Predictions counted.</summary>
    public long Rows { get; set; }

    /// <summary>When the earliest counted prediction was received.</summary>
    public DateTimeOffset? First { get; set; }

    /// <summary>When the latest counted prediction was received.</summary>
    public DateTimeOffset? Last { get; set; }

    /// <summary>Per profile column (tensor columns, then the output when the card describes it): counts per bin or category.</summary>
    public long[][] Columns { get; set; } = [];

    /// <summary>Predictions with a probability, per fine probability bin.</summary>
    public long[] ProbabilityCounts { get; set; } = new long[ProbabilityBins.Count];

    /// <summary>Sum of the probabilities in each fine probability bin.</summary>
    public double[] ProbabilitySums { get; set; } = new double[ProbabilityBins.Count];

    /// <summary>Predictions at or above the card's threshold.</summary>
    public long PredictedPositive { get; set; }

    /// <summary>Sum of the probabilities of the predictions at or above the threshold.</summary>
    public double PositiveProbabilitySum { get; set; }

    /// <summary>Predictions per latency bin (<see cref="LatencyBins"/>), from receiving the request to scoring it.</summary>
    public long[] Latencies { get; set; } = new long[LatencyBins.Count];

    /// <summary>An empty aggregate with <paramref name="binsPerColumn"/> bins per profile column.</summary>
    public static PredictionAggregate Empty(IReadOnlyList<int> binsPerColumn)
    {
        ArgumentNullException.ThrowIfNull(binsPerColumn);
        return new PredictionAggregate { Columns = [.. binsPerColumn.Select(bins => new long[bins])] };
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one.</summary>
    public void Add(PredictionAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Rows += other.Rows;
        First = Earliest(First, other.First);
        Last = Latest(Last, other.Last);
        for (var column = 0; column < Math.Min(Columns.Length, other.Columns.Length); column++)
            Sum(Columns[column], other.Columns[column]);
        Sum(ProbabilityCounts, other.ProbabilityCounts);
        Sum(ProbabilitySums, other.ProbabilitySums);
        PredictedPositive += other.PredictedPositive;
        PositiveProbabilitySum += other.PositiveProbabilitySum;
        Sum(Latencies, other.Latencies);
    }

    internal static void Sum(long[] into, long[] add)
    {
        for (var i = 0; i < Math.Min(into.Length, add.Length); i++)
            into[i] += add[i];
    }

    internal static void Sum(double[] into, double[] add)
    {
        for (var i = 0; i < Math.Min(into.Length, add.Length); i++)
            into[i] += add[i];
    }

    internal static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    internal static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
