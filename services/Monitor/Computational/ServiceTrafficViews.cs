namespace Monitor.Computational;

/// <summary>The answer of <c>GET /api/v1/monitoring/services</c>: each service's traffic over the window from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record ServiceTrafficReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ServiceTrafficRow> Services);

/// <summary>
/// One service, model and version (and instance, when asked for) over the window: requests, their rate, server
/// errors (5xx) and their share, client errors (4xx), and latency percentiles interpolated in the histogram.
/// </summary>
public sealed record ServiceTrafficRow(
    string Service,
    string? Instance,
    string? Model,
    string? Version,
    long Requests,
    double RatePerSecond,
    long Errors,
    long ClientErrors,
    double? ErrorRate,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms)
{
    /// <summary>The row of <paramref name="total"/> over a window of <paramref name="window"/>.</summary>
    public static ServiceTrafficRow Of(TrafficTotal total, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(total);
        var counts = total.Counts;
        return new ServiceTrafficRow(
            total.Key.Service, total.Key.Instance, total.Key.Model, total.Key.Version,
            counts.Requests,
            counts.Requests / window.TotalSeconds,
            counts.ServerErrors,
            counts.ClientErrors,
            counts.Requests == 0 ? null : (double)counts.ServerErrors / counts.Requests,
            counts.LatencyMs(0.50), counts.LatencyMs(0.95), counts.LatencyMs(0.99));
    }
}

/// <summary>The answer of <c>GET /api/v1/monitoring/services/timeline</c>: one point per minute and per service, model and version.</summary>
public sealed record ServiceTimeline(int BucketSeconds, IReadOnlyList<ServiceTimelinePoint> Points);

/// <summary>One minute of one service, model and version, all instances added up.</summary>
public sealed record ServiceTimelinePoint(
    DateTimeOffset Start,
    DateTimeOffset End,
    string Service,
    string? Model,
    string? Version,
    long Requests,
    long Errors,
    long ClientErrors,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms)
{
    /// <summary>The point of <paramref name="total"/> in the minute starting at <paramref name="minute"/>.</summary>
    public static ServiceTimelinePoint Of(DateTimeOffset minute, TrafficTotal total)
    {
        ArgumentNullException.ThrowIfNull(total);
        var counts = total.Counts;
        return new ServiceTimelinePoint(
            minute, minute + ServiceTrafficAggregator.BucketDuration, total.Key.Service, total.Key.Model, total.Key.Version,
            counts.Requests, counts.ServerErrors, counts.ClientErrors,
            counts.LatencyMs(0.50), counts.LatencyMs(0.95), counts.LatencyMs(0.99));
    }
}
