namespace Monitor.Windows;

/// <summary>
/// What Monitor keeps of a set of predictions of one model version: counts per reference bin or category of
/// every tensor column (and of the output), the probabilities in <see cref="ProbabilityBins.Count"/> fine bins
/// (binary: the positive class's; multiclass: the predicted label's; for confidence-based performance estimation),
/// the sum of the predicted values (regression), and latencies. Mergeable by adding, so time buckets and
/// count-window slices combine into any window without keeping the predictions. Serialized as JSON into the store;
/// a field added later reads as empty from an older document.
/// </summary>
public sealed class PredictionAggregate
{
    /// <summary>Predictions counted.</summary>
    public long Rows { get; set; }

    /// <summary>When the earliest counted prediction was received.</summary>
    public DateTimeOffset? First { get; set; }

    /// <summary>When the latest counted prediction was received.</summary>
    public DateTimeOffset? Last { get; set; }

    /// <summary>Per profile column (tensor columns, then the output when the reference describes it): counts per bin or category.</summary>
    public long[][] Columns { get; set; } = [];

    /// <summary>
    /// The key of each of <see cref="Columns"/> (<see cref="References.ProfileColumn.Key"/>: name and bins), so counts are only
    /// ever added to counts of the same bins when a version's reference changes. Null in documents written before it.
    /// </summary>
    public string[]? ColumnKeys { get; set; }

    /// <summary>Predictions with a probability, per fine probability bin.</summary>
    public long[] ProbabilityCounts { get; set; } = new long[ProbabilityBins.Count];

    /// <summary>Sum of the probabilities in each fine probability bin.</summary>
    public double[] ProbabilitySums { get; set; } = new double[ProbabilityBins.Count];

    /// <summary>Predictions at or above the card's threshold.</summary>
    public long PredictedPositive { get; set; }

    /// <summary>Sum of the probabilities of the predictions at or above the threshold.</summary>
    public double PositiveProbabilitySum { get; set; }

    /// <summary>Regression: predictions with a value.</summary>
    public long ValueRows { get; set; }

    /// <summary>Regression: the sum of the predicted values.</summary>
    public double ValueSum { get; set; }

    /// <summary>Predictions per latency bin (<see cref="LatencyBins"/>), from receiving the request to scoring it.</summary>
    public long[] Latencies { get; set; } = new long[LatencyBins.Count];

    /// <summary>An empty aggregate with <paramref name="binsPerColumn"/> bins per profile column, whose keys are <paramref name="columnKeys"/>.</summary>
    public static PredictionAggregate Empty(IReadOnlyList<int> binsPerColumn, IReadOnlyList<string> columnKeys)
    {
        ArgumentNullException.ThrowIfNull(binsPerColumn);
        ArgumentNullException.ThrowIfNull(columnKeys);
        return new PredictionAggregate { Columns = [.. binsPerColumn.Select(bins => new long[bins])], ColumnKeys = [.. columnKeys] };
    }

    /// <summary>
    /// A copy of this aggregate whose columns are <paramref name="columnKeys"/> with <paramref name="binsPerColumn"/> bins: each
    /// column's counts when this aggregate has a column with the same key, else zeros. An aggregate written before column keys
    /// were kept is taken to have these columns when it has as many with as many bins each (its reference could not change then).
    /// </summary>
    public PredictionAggregate Aligned(IReadOnlyList<int> binsPerColumn, IReadOnlyList<string> columnKeys)
    {
        ArgumentNullException.ThrowIfNull(binsPerColumn);
        ArgumentNullException.ThrowIfNull(columnKeys);
        var keys = ColumnKeys ?? (Columns.Length == binsPerColumn.Count && Columns.Select(column => column.Length).SequenceEqual(binsPerColumn) ? [.. columnKeys] : []);
        var copy = Copy();
        copy.ColumnKeys = [.. columnKeys];
        copy.Columns = [.. columnKeys.Select((key, index) =>
        {
            var found = Array.IndexOf(keys, key);
            return found >= 0 && found < Columns.Length && Columns[found].Length == binsPerColumn[index] ? Columns[found].ToArray() : new long[binsPerColumn[index]];
        })];
        return copy;
    }

    /// <summary>A deep copy.</summary>
    public PredictionAggregate Copy() => new()
    {
        Rows = Rows,
        First = First,
        Last = Last,
        Columns = [.. Columns.Select(column => column.ToArray())],
        ColumnKeys = ColumnKeys?.ToArray(),
        ProbabilityCounts = ProbabilityCounts.ToArray(),
        ProbabilitySums = ProbabilitySums.ToArray(),
        PredictedPositive = PredictedPositive,
        PositiveProbabilitySum = PositiveProbabilitySum,
        ValueRows = ValueRows,
        ValueSum = ValueSum,
        Latencies = Latencies.ToArray(),
    };

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
        ValueRows += other.ValueRows;
        ValueSum += other.ValueSum;
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
