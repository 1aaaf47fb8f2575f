using Modeling.Cards;

namespace Modeling.Statistics;

/// <summary>Binary classification metrics from probabilities and true labels.</summary>
public static class BinaryMetrics
{
    private const double Epsilon = 1e-15;

    /// <summary>AUC, log loss, Brier score, accuracy at <paramref name="threshold"/> and positive rate.</summary>
    public static ClassificationMetrics Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels, double threshold = 0.5)
    {
        if (probabilities.Length != labels.Length)
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Length} labels", nameof(labels));
        var count = probabilities.Length;
        if (count == 0)
            return new ClassificationMetrics();

        double logLoss = 0, brier = 0;
        long correct = 0, positives = 0;
        for (var i = 0; i < count; i++)
        {
            double p = probabilities[i];
            var y = labels[i] ? 1.0 : 0.0;
            var clipped = Math.Clamp(p, Epsilon, 1 - Epsilon);
            logLoss -= labels[i] ? Math.Log(clipped) : Math.Log(1 - clipped);
            brier += (p - y) * (p - y);
            if ((p >= threshold) == labels[i])
                correct++;
            if (labels[i])
                positives++;
        }

        return new ClassificationMetrics
        {
            Rows = count,
            Auc = Auc(probabilities, labels),
            LogLoss = logLoss / count,
            Brier = brier / count,
            Accuracy = (double)correct / count,
            PositiveRate = (double)positives / count,
        };
    }

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative,
    /// ties counting one half (the Mann–Whitney statistic). NaN when one class is absent.
    /// </summary>
    public static double Auc(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels)
    {
        var order = new int[probabilities.Length];
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        var keys = probabilities.ToArray();
        Array.Sort(keys, order);

        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
                end++;
            var averageRank = (start + end) / 2.0 + 1;
            for (var i = start; i <= end; i++)
            {
                if (labels[order[i]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = keys.Length - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
