namespace Replay.Results;

/// <summary>
/// The exact ROC AUC of scores against true labels: the Mann–Whitney U statistic over all (positive, negative)
/// pairs — a pair counts 1 when the positive scores higher and ½ when they tie — divided by the number of pairs,
/// computed by sorting (n log n) rather than pair by pair.
/// </summary>
public static class RocAuc
{
    /// <summary>The AUC, or null when the labels hold only one class.</summary>
    public static double? Of(IReadOnlyList<float> scores, IReadOnlyList<bool> positives)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positives);
        if (scores.Count != positives.Count)
            throw new ArgumentException($"{scores.Count} scores for {positives.Count} labels", nameof(positives));

        var keys = scores.ToArray();
        var labels = positives.ToArray();
        Array.Sort(keys, labels);
        double pairsWon = 0;
        long negativesBelow = 0, positiveCount = 0;
        for (var start = 0; start < keys.Length;)
        {
            // One group of equal scores: its positives beat every negative below and tie with the group's negatives.
            var end = start;
            long groupPositives = 0, groupNegatives = 0;
            while (end < keys.Length && keys[end] == keys[start])
            {
                if (labels[end])
                    groupPositives++;
                else
                    groupNegatives++;
                end++;
            }

            pairsWon += groupPositives * (negativesBelow + 0.5 * groupNegatives);
            negativesBelow += groupNegatives;
            positiveCount += groupPositives;
            start = end;
        }

        var negativeCount = negativesBelow;
        return positiveCount == 0 || negativeCount == 0 ? null : pairsWon / ((double)positiveCount * negativeCount);
    }
}
