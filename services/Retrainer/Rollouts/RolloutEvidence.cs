using Modeling.Statistics;

namespace Retrainer.Rollouts;

/// <summary>
/// What the running rollouts' versions did, counted since the Retrainer process started hearing about them: requests,
/// server errors and latency (from Inference's <c>RequestMetricsReported</c>) and outcomes (from <c>OutcomeRecorded</c>,
/// judged by the model's task: a classifier's prediction right or wrong, with a binary model's probability and truth
/// for AUC; a regression's error). Kept in memory: after a restart a canary step counts
/// again from zero, which only makes it wait longer. Thread-safe.
/// </summary>
public sealed class RolloutEvidence
{
    private const int MaxScoredOutcomes = 50_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string RolloutId, string Version), VersionEvidence> _versions = [];

    /// <summary>Adds a report interval's requests of <paramref name="version"/>.</summary>
    public void AddRequests(string rolloutId, string version, long requests, long serverErrors, IReadOnlyList<double> bucketUpperBoundsMs, IReadOnlyList<long> bucketCounts)
    {
        ArgumentNullException.ThrowIfNull(bucketUpperBoundsMs);
        ArgumentNullException.ThrowIfNull(bucketCounts);
        lock (_gate)
        {
            var evidence = Of(rolloutId, version);
            evidence.Requests += requests;
            evidence.Errors += serverErrors;
            if (evidence.BucketBounds.Length == 0)
            {
                evidence.BucketBounds = [.. bucketUpperBoundsMs];
                evidence.Buckets = new long[bucketUpperBoundsMs.Count + 1];
            }

            // Reports with other bounds (another version of a service) are counted, but not in the latency.
            if (evidence.BucketBounds.AsSpan().SequenceEqual(bucketUpperBoundsMs.ToArray()) && bucketCounts.Count == evidence.Buckets.Length)
            {
                for (var i = 0; i < bucketCounts.Count; i++)
                    evidence.Buckets[i] += bucketCounts[i];
            }
        }
    }

    /// <summary>
    /// Adds one outcome of a classifier's prediction <paramref name="version"/> made: whether it was right, and for a
    /// binary model its probability with the truth (null for a multiclass one).
    /// </summary>
    public void AddOutcome(string rolloutId, string version, bool correct, float? probability = null, bool positive = false)
    {
        lock (_gate)
        {
            var evidence = Of(rolloutId, version);
            evidence.Classified++;
            if (correct)
                evidence.Correct++;
            if (probability is { } p && float.IsFinite(p))
            {
                if (evidence.Scored.Count == MaxScoredOutcomes)
                    evidence.Scored.RemoveAt(0);
                evidence.Scored.Add((p, positive));
            }
        }
    }

    /// <summary>Adds one outcome of a regression's prediction <paramref name="version"/> made: the predicted value minus the truth.</summary>
    public void AddError(string rolloutId, string version, double error)
    {
        if (!double.IsFinite(error))
            return;
        lock (_gate)
        {
            var evidence = Of(rolloutId, version);
            evidence.Measured++;
            evidence.SquaredErrors += error * error;
        }
    }

    /// <summary>The numbers of one version in one rollout so far.</summary>
    public VersionLive Of(string rolloutId, string version, bool withAuc = true)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue((rolloutId, version), out var evidence))
                return new VersionLive(0, 0, null, null, 0, 0, null, null, null);
            double? auc = null;
            if (withAuc && evidence.Scored.Count > 0)
            {
                var probabilities = evidence.Scored.Select(scored => scored.Probability).ToArray();
                var labels = evidence.Scored.Select(scored => scored.Positive).ToArray();
                var value = BinaryMetrics.Auc(probabilities, labels);
                auc = double.IsFinite(value) ? value : null;
            }

            return new VersionLive(
                evidence.Requests,
                evidence.Errors,
                evidence.Requests > 0 ? (double)evidence.Errors / evidence.Requests : null,
                P95(evidence),
                evidence.Classified + evidence.Measured,
                evidence.Correct,
                evidence.Classified > 0 ? (double)evidence.Correct / evidence.Classified : null,
                auc,
                evidence.Measured > 0 ? Math.Sqrt(evidence.SquaredErrors / evidence.Measured) : null);
        }
    }

    private VersionEvidence Of(string rolloutId, string version)
    {
        if (!_versions.TryGetValue((rolloutId, version), out var evidence))
            _versions[(rolloutId, version)] = evidence = new VersionEvidence();
        return evidence;
    }

    // The upper bound of the bucket holding the 95th percentile (the overflow bucket: twice the last bound).
    private static double? P95(VersionEvidence evidence)
    {
        var total = evidence.Buckets.Sum();
        if (total == 0)
            return null;
        var wanted = (long)Math.Ceiling(total * 0.95);
        long seen = 0;
        for (var i = 0; i < evidence.Buckets.Length; i++)
        {
            seen += evidence.Buckets[i];
            if (seen >= wanted)
                return i < evidence.BucketBounds.Length ? evidence.BucketBounds[i] : evidence.BucketBounds[^1] * 2;
        }

        return null;
    }

    private sealed class VersionEvidence
    {
        public long Requests;
        public long Errors;
        public long Classified;
        public long Correct;
        public long Measured;
        public double SquaredErrors;
        public double[] BucketBounds = [];
        public long[] Buckets = [];
        public readonly List<(float Probability, bool Positive)> Scored = [];
    }
}

/// <summary>One version's live numbers in a rollout.</summary>
/// <param name="Requests">Requests it answered.</param>
/// <param name="Errors">Of those, server errors.</param>
/// <param name="ErrorRate">Errors / requests.</param>
/// <param name="LatencyP95Ms">95th percentile of the answer time in Inference, as the upper bound of its latency bucket.</param>
/// <param name="Outcomes">Outcomes of its predictions.</param>
/// <param name="Correct">Classifiers: of those, the predictions that were right (the bandit's successes).</param>
/// <param name="Accuracy">Classifiers: correct / outcomes.</param>
/// <param name="Auc">Binary: ROC AUC of its probabilities against the outcomes (the latest 50,000).</param>
/// <param name="Rmse">Regression: the root mean squared error of its predictions.</param>
public sealed record VersionLive(long Requests, long Errors, double? ErrorRate, double? LatencyP95Ms, long Outcomes, long Correct, double? Accuracy, double? Auc, double? Rmse = null);
