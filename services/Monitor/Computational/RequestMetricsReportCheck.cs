using Contracts.Monitoring;

namespace Monitor.Computational;

/// <summary>Whether a <see cref="RequestMetricsReported"/> can be counted: what is wrong with it, or null.</summary>
public static class RequestMetricsReportCheck
{
    /// <summary>The first problem of <paramref name="report"/>, naming the field, or null when it is usable.</summary>
    public static string? ProblemOf(RequestMetricsReported report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (string.IsNullOrWhiteSpace(report.Service))
            return "service is empty.";
        if (string.IsNullOrWhiteSpace(report.Instance))
            return "instance is empty.";
        if (report.IntervalEnd < report.IntervalStart)
            return $"intervalEnd ({report.IntervalEnd:O}) is before intervalStart ({report.IntervalStart:O}).";
        var bounds = report.BucketUpperBoundsMs;
        if (bounds is null || bounds.Count == 0)
            return "bucketUpperBoundsMs is empty.";
        for (var index = 0; index < bounds.Count; index++)
        {
            if (!double.IsFinite(bounds[index]) || bounds[index] <= 0 || (index > 0 && bounds[index] <= bounds[index - 1]))
                return $"bucketUpperBoundsMs[{index}] ({bounds[index]}) is not a positive bound above the previous one.";
        }

        if (report.Routes is null)
            return "routes is missing.";
        for (var index = 0; index < report.Routes.Count; index++)
        {
            if (ProblemOf(report.Routes[index], bounds.Count) is { } problem)
                return $"routes[{index}].{problem}";
        }

        return null;
    }

    private static string? ProblemOf(RouteRequestMetrics route, int bounds)
    {
        if (string.IsNullOrWhiteSpace(route.Route))
            return "route is empty.";
        if (route.Requests < 0 || route.ClientErrors < 0 || route.ServerErrors < 0)
            return "requests, clientErrors and serverErrors must not be negative.";
        if (route.ClientErrors + route.ServerErrors > route.Requests)
            return $"clientErrors + serverErrors ({route.ClientErrors + route.ServerErrors}) exceed requests ({route.Requests}).";
        if (route.BucketCounts is null || route.BucketCounts.Count != bounds + 1)
            return $"bucketCounts must have {bounds + 1} entries (one per bound and the overflow bucket), not {route.BucketCounts?.Count ?? 0}.";
        long total = 0;
        foreach (var count in route.BucketCounts)
        {
            if (count < 0)
                return "bucketCounts must not be negative.";
            total += count;
        }

        return total == route.Requests ? null : $"bucketCounts add up to {total}, not to requests ({route.Requests}).";
    }
}
