using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Monitor.Computational;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Monitor.Endpoints;

/// <summary>
/// Computational monitoring through the API: every service's request rate, errors and latency per model version
/// over the last minutes, and the same per minute (docs/metrics.md).
/// </summary>
public static class ServiceTrafficEndpoints
{
    /// <summary>The window of <c>/services</c> when <c>minutes</c> is not given.</summary>
    public const int DefaultMinutes = 5;

    /// <summary>Maps <c>GET /api/v1/monitoring/services</c> and <c>GET /api/v1/monitoring/services/timeline</c>.</summary>
    public static IEndpointRouteBuilder MapServiceTrafficEndpoints(this IEndpointRouteBuilder app)
    {
        var monitoring = app.MapGroup("/api/v1/monitoring").WithTags("Monitoring");
        monitoring.MapGet("/services", ListServices).RequireScope(Scopes.Read)
            .WithName("ListServiceTraffic")
            .WithSummary("Requests, rate, errors and p50/p95/p99 latency per service and model version over the last minutes.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        monitoring.MapGet("/services/timeline", GetTimeline).RequireScope(Scopes.Read)
            .WithName("GetServiceTrafficTimeline")
            .WithSummary("Requests, errors and latency percentiles per minute, service and model version.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static Results<Ok<ServiceTrafficReport>, ProblemHttpResult> ListServices(
        string? minutes, string? byInstance, ServiceTrafficAggregator traffic, IOptions<ComputationalMonitoringOptions> options, TimeProvider time)
    {
        var maxMinutes = (int)Math.Max(1, options.Value.Retention.TotalMinutes);
        var count = DefaultMinutes;
        if (minutes is not null && (!int.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > maxMinutes))
            return InvalidParameter.Problem("minutes", $"The query parameter 'minutes' must be a whole number from 1 to {maxMinutes} (the retention), not '{minutes}'.");
        var perInstance = false;
        if (byInstance is not null && !bool.TryParse(byInstance, out perInstance))
            return InvalidParameter.Problem("byInstance", $"The query parameter 'byInstance' must be true or false, not '{byInstance}'.");

        // The window is the last `minutes` minute buckets, the current (partial) one included.
        var to = time.GetUtcNow();
        var from = ServiceTrafficAggregator.MinuteOf(to) - ((count - 1) * ServiceTrafficAggregator.BucketDuration);
        var rows = traffic.Totals(from, to, perInstance).Select(total => ServiceTrafficRow.Of(total, to - from)).ToList();
        return TypedResults.Ok(new ServiceTrafficReport(from, to, rows));
    }

    private static Results<Ok<ServiceTimeline>, ProblemHttpResult> GetTimeline(
        string? service, string? model, string? from, string? to, ServiceTrafficAggregator traffic, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (!TryTime(from, now - TimeSpan.FromHours(24), out var start))
            return InvalidParameter.Problem("from", $"The query parameter 'from' must be an RFC 3339 time such as 2026-11-23T10:00:00Z, not '{from}'.");
        if (!TryTime(to, now, out var end))
            return InvalidParameter.Problem("to", $"The query parameter 'to' must be an RFC 3339 time such as 2026-11-23T11:00:00Z, not '{to}'.");
        if (end <= start)
            return InvalidParameter.Problem("to", "The query parameter 'to' must be later than 'from'.");

        var points = traffic.Timeline(Blank(service), Blank(model), start, end)
            .Select(point => ServiceTimelinePoint.Of(point.Minute, point.Total))
            .ToList();
        return TypedResults.Ok(new ServiceTimeline((int)ServiceTrafficAggregator.BucketDuration.TotalSeconds, points));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        return text is null || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
