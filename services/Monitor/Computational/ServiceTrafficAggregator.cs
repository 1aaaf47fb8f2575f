using Contracts.Monitoring;
using Microsoft.Extensions.Options;
using ServiceDefaults.Metrics;

namespace Monitor.Computational;

/// <summary>
/// The services' request metrics added up in memory: one-minute buckets per service, instance, model and
/// version, kept for <see cref="ComputationalMonitoringOptions.Retention"/>. A report counts in the minute of its
/// interval's midpoint (the services report at multiples of their interval, so with an interval that divides a
/// minute no report straddles two). The same report (service, instance, interval start) counts once.
/// </summary>
public sealed class ServiceTrafficAggregator(IOptions<ComputationalMonitoringOptions> options, TimeProvider time)
{
    /// <summary>The length of a bucket.</summary>
    public static readonly TimeSpan BucketDuration = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly TimeSpan _retention = options.Value.Retention;
    private readonly HashSet<ReportKey> _counted = [];
    private readonly SortedDictionary<DateTimeOffset, Dictionary<TrafficKey, TrafficBucket>> _minutes = [];
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Counts a report; false when it was counted before or is older than the retention (then it changes nothing).
    /// The report must be valid (<see cref="RequestMetricsReportCheck"/>).
    /// </summary>
    public bool Add(RequestMetricsReported report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        var minute = MinuteOf(report.IntervalStart + ((report.IntervalEnd - report.IntervalStart) / 2));
        var sameBounds = report.BucketUpperBoundsMs.SequenceEqual(RequestLatencyBuckets.UpperBoundsMs);
        lock (_gate)
        {
            PruneIfDue(now);
            if (report.IntervalStart < now - _retention || !_counted.Add(new ReportKey(report.Service, report.Instance, report.IntervalStart)))
                return false;

            if (!_minutes.TryGetValue(minute, out var buckets))
            {
                buckets = [];
                _minutes.Add(minute, buckets);
            }

            foreach (var route in report.Routes)
            {
                var key = new TrafficKey(report.Service, report.Instance, route.Model, route.Version);
                if (!buckets.TryGetValue(key, out var bucket))
                {
                    bucket = new TrafficBucket();
                    buckets.Add(key, bucket);
                }

                bucket.Add(route.Requests, route.ClientErrors, route.ServerErrors);
                for (var index = 0; index < route.BucketCounts.Count; index++)
                {
                    var target = sameBounds ? index : Rebin(report.BucketUpperBoundsMs, index);
                    bucket.Latencies[target] += route.BucketCounts[index];
                }
            }

            return true;
        }
    }

    /// <summary>
    /// The traffic of the minutes from <paramref name="from"/> (a minute's start) to <paramref name="to"/>, per
    /// service, model and version (and instance when <paramref name="byInstance"/>), ordered by those.
    /// </summary>
    public IReadOnlyList<TrafficTotal> Totals(DateTimeOffset from, DateTimeOffset to, bool byInstance)
    {
        var totals = new Dictionary<TrafficKey, TrafficBucket>();
        lock (_gate)
        {
            foreach (var (minute, buckets) in _minutes)
            {
                if (minute < from || minute >= to)
                    continue;
                foreach (var (key, bucket) in buckets)
                    Accumulate(totals, byInstance ? key : key with { Instance = null }, bucket);
            }
        }

        return [.. totals
            .Select(pair => new TrafficTotal(pair.Key, pair.Value))
            .OrderBy(total => total.Key.Service, StringComparer.Ordinal)
            .ThenBy(total => total.Key.Model, StringComparer.Ordinal)
            .ThenBy(total => total.Key.Version, StringComparer.Ordinal)
            .ThenBy(total => total.Key.Instance, StringComparer.Ordinal)];
    }

    /// <summary>
    /// One entry per minute from <paramref name="from"/> to <paramref name="to"/> and per service, model and version
    /// (instances added up), for the given service and model only when they are given; oldest first.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Minute, TrafficTotal Total)> Timeline(string? service, string? model, DateTimeOffset from, DateTimeOffset to)
    {
        var points = new List<(DateTimeOffset, TrafficTotal)>();
        lock (_gate)
        {
            foreach (var (minute, buckets) in _minutes)
            {
                if (minute < MinuteOf(from) || minute >= to)
                    continue;
                var totals = new Dictionary<TrafficKey, TrafficBucket>();
                foreach (var (key, bucket) in buckets)
                {
                    if ((service is null || string.Equals(key.Service, service, StringComparison.OrdinalIgnoreCase)) &&
                        (model is null || string.Equals(key.Model, model, StringComparison.Ordinal)))
                    {
                        Accumulate(totals, key with { Instance = null }, bucket);
                    }
                }

                points.AddRange(totals
                    .OrderBy(pair => pair.Key.Service, StringComparer.Ordinal)
                    .ThenBy(pair => pair.Key.Model, StringComparer.Ordinal)
                    .ThenBy(pair => pair.Key.Version, StringComparer.Ordinal)
                    .Select(pair => (minute, new TrafficTotal(pair.Key, pair.Value))));
            }
        }

        return points;
    }

    /// <summary>The start of the minute <paramref name="moment"/> falls in.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset moment)
    {
        var utc = moment.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % BucketDuration.Ticks), TimeSpan.Zero);
    }

    private static void Accumulate(Dictionary<TrafficKey, TrafficBucket> totals, TrafficKey key, TrafficBucket bucket)
    {
        if (!totals.TryGetValue(key, out var total))
        {
            total = new TrafficBucket();
            totals.Add(key, total);
        }

        total.Add(bucket);
    }

    // A report with other bounds (another build of the service defaults): each of its buckets goes to ours that
    // holds its midpoint; its overflow bucket to ours just above its last bound.
    private static int Rebin(IReadOnlyList<double> bounds, int index)
    {
        var lower = index == 0 ? 0 : bounds[index - 1];
        var value = index < bounds.Count ? (lower + bounds[index]) / 2 : Math.BitIncrement(lower);
        return RequestLatencyBuckets.IndexOf(value);
    }

    private void PruneIfDue(DateTimeOffset now)
    {
        if (now - _prunedAt < PruneInterval)
            return;
        _prunedAt = now;
        var cutoff = now - _retention;
        foreach (var minute in _minutes.Keys.TakeWhile(minute => minute + BucketDuration <= cutoff).ToList())
            _minutes.Remove(minute);
        // Reports older than the retention are refused anyway, so their keys are not needed to spot copies.
        _counted.RemoveWhere(key => key.IntervalStart < cutoff);
    }

    private readonly record struct ReportKey(string Service, string Instance, DateTimeOffset IntervalStart);
}

/// <summary>The traffic of one service, model and version (and instance, when broken down by instance).</summary>
/// <param name="Service">The service.</param>
/// <param name="Instance">The instance, or null when instances are added up.</param>
/// <param name="Model">The model, when the requests named one.</param>
/// <param name="Version">The model version that answered, when known.</param>
public readonly record struct TrafficKey(string Service, string? Instance, string? Model, string? Version);

/// <summary>The counts of one key over a time range.</summary>
public sealed record TrafficTotal(TrafficKey Key, TrafficBucket Counts);
