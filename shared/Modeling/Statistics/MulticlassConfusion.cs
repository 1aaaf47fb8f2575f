using Modeling.Cards;

namespace Modeling.Statistics;

/// <summary>
/// What a multiclass evaluation counts, row by row: the confusion matrix (true label × predicted label) and the sum
/// of the log losses, from which <see cref="Metrics"/> computes accuracy, macro-F1, log loss and per-label precision
/// and recall.
/// </summary>
public sealed class MulticlassConfusion
{
    private const double Epsilon = 1e-15;
    private readonly long[,] _counts;
    private double _logLoss;

    /// <summary>An empty count for <paramref name="classes"/> labels.</summary>
    public MulticlassConfusion(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        _counts = new long[classes, classes];
        Support = new long[classes];
    }

    /// <summary>Rows counted.</summary>
    public long Rows { get; private set; }

    /// <summary>Per label: the rows whose true label it is.</summary>
    public long[] Support { get; }

    /// <summary>Counts one row: its true label, the predicted one, and the probability the model gave the true label.</summary>
    public void Add(int truth, int predicted, float truthProbability)
    {
        _counts[truth, predicted]++;
        Support[truth]++;
        Rows++;
        _logLoss -= Math.Log(Math.Clamp(truthProbability, Epsilon, 1.0));
    }

    /// <summary>The metrics of the rows counted, with the labels named as in <paramref name="labels"/> (in class order).</summary>
    public MulticlassMetrics Metrics(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var classes = Support.Length;
        if (labels.Count != classes)
            throw new ArgumentException($"{labels.Count} labels for {classes} classes", nameof(labels));
        long correct = 0;
        var perClass = new Dictionary<string, ClassMetrics>(StringComparer.Ordinal);
        var f1s = new List<double>();
        for (var label = 0; label < classes; label++)
        {
            correct += _counts[label, label];
            long predicted = 0;
            for (var truth = 0; truth < classes; truth++)
                predicted += _counts[truth, label];
            var precision = Ratio(_counts[label, label], predicted);
            var recall = Ratio(_counts[label, label], Support[label]);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[labels[label]] = new ClassMetrics { Precision = precision, Recall = recall, F1 = f1, Support = Support[label] };
            if (predicted > 0 || Support[label] > 0)
                f1s.Add(f1);
        }

        return new MulticlassMetrics
        {
            Rows = Rows,
            Accuracy = Ratio(correct, Rows),
            MacroF1 = f1s.Count == 0 ? 0 : f1s.Average(),
            LogLoss = Rows == 0 ? 0 : _logLoss / Rows,
            Classes = perClass,
        };
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
