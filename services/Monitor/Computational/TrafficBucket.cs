using ServiceDefaults.Metrics;

namespace Monitor.Computational;

/// <summary>
/// What one service instance answered for one model version during one minute: requests, 4xx, 5xx and the
/// latency histogram on <see cref="RequestLatencyBuckets"/>. Buckets add up across instances and minutes.
/// </summary>
public sealed class TrafficBucket
{
    /// <summary>Requests answered.</summary>
    public long Requests { get; private set; }

    /// <summary>Requests answered with a 4xx status.</summary>
    public long ClientErrors { get; private set; }

    /// <summary>Requests answered with a 5xx status.</summary>
    public long ServerErrors { get; private set; }

    /// <summary>Requests per latency bucket (one per bound of <see cref="RequestLatencyBuckets"/>, then the overflow bucket).</summary>
    public long[] Latencies { get; } = new long[RequestLatencyBuckets.BoundCount + 1];

    /// <summary>Adds counts.</summary>
    public void Add(long requests, long clientErrors, long serverErrors)
    {
        Requests += requests;
        ClientErrors += clientErrors;
        ServerErrors += serverErrors;
    }

    /// <summary>Adds another bucket's counts.</summary>
    public void Add(TrafficBucket other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Add(other.Requests, other.ClientErrors, other.ServerErrors);
        for (var index = 0; index < Latencies.Length; index++)
            Latencies[index] += other.Latencies[index];
    }

    /// <summary>The <paramref name="quantile"/> of the latencies in milliseconds (see <see cref="LatencyPercentiles"/>).</summary>
    public double? LatencyMs(double quantile) => LatencyPercentiles.Quantile(Latencies, RequestLatencyBuckets.UpperBoundsMs, quantile);
}
