using Contracts.Monitoring;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Counts the requests a process answers, per service, route template, model and model version: requests,
/// 4xx, 5xx and a latency histogram with <see cref="RequestLatencyBuckets"/>. The HTTP middleware records
/// every request; a service records requests that reach it another way (Inference's scoring requests over
/// the bus) itself. <see cref="Collect"/> hands the counts of the interval since the previous call over as
/// one <see cref="RequestMetricsReported"/> per service and starts the next interval.
/// </summary>
public sealed class RequestMetricsRecorder
{
    private readonly Lock _gate = new();
    private Dictionary<SeriesKey, Series> _series = [];
    private DateTimeOffset _intervalStart;

    /// <summary>A recorder whose first interval starts now.</summary>
    public RequestMetricsRecorder(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _intervalStart = time.GetUtcNow();
    }

    /// <summary>Counts one answered request.</summary>
    /// <param name="service">The service that answered (e.g. <c>Inference</c>).</param>
    /// <param name="route">The route template, or <c>bus:&lt;Message&gt;</c> for a request over the bus.</param>
    /// <param name="model">The model asked for, when known.</param>
    /// <param name="version">The model version that answered, when known.</param>
    /// <param name="statusCode">The HTTP status answered (for a bus request, the status an HTTP client would have got).</param>
    /// <param name="duration">How long answering took.</param>
    public void Record(string service, string route, string? model, string? version, int statusCode, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(route);
        var bucket = RequestLatencyBuckets.IndexOf(duration.TotalMilliseconds);
        var key = new SeriesKey(service, route, model, version);
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                series = new Series();
                _series.Add(key, series);
            }

            series.Requests++;
            if (statusCode >= 500)
                series.ServerErrors++;
            else if (statusCode >= 400)
                series.ClientErrors++;
            series.Buckets[bucket]++;
        }
    }

    /// <summary>
    /// Ends the current interval at <paramref name="end"/> and returns its counts, one report per service
    /// that had requests (none when there were none); the next interval starts at <paramref name="end"/>.
    /// </summary>
    public IReadOnlyList<RequestMetricsReported> Collect(string instance, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Dictionary<SeriesKey, Series> collected;
        DateTimeOffset start;
        lock (_gate)
        {
            collected = _series;
            start = _intervalStart;
            _series = [];
            _intervalStart = end;
        }

        return [.. collected
            .GroupBy(pair => pair.Key.Service, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new RequestMetricsReported(
                group.Key,
                instance,
                start,
                end,
                RequestLatencyBuckets.UpperBoundsMs,
                [.. group
                    .OrderBy(pair => pair.Key.Route, StringComparer.Ordinal)
                    .ThenBy(pair => pair.Key.Model, StringComparer.Ordinal)
                    .ThenBy(pair => pair.Key.Version, StringComparer.Ordinal)
                    .Select(pair => new RouteRequestMetrics(
                        pair.Key.Route, pair.Key.Model, pair.Key.Version,
                        pair.Value.Requests, pair.Value.ClientErrors, pair.Value.ServerErrors, pair.Value.Buckets))]))];
    }

    private readonly record struct SeriesKey(string Service, string Route, string? Model, string? Version);

    private sealed class Series
    {
        public long Requests;
        public long ClientErrors;
        public long ServerErrors;
        public readonly long[] Buckets = new long[RequestLatencyBuckets.BoundCount + 1];
    }
}
