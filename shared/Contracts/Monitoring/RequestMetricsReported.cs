namespace Contracts.Monitoring;

/// <summary>
/// What one instance of a service answered during one report interval, per route template, model and
/// model version: request counts by status class and a latency histogram with fixed buckets. Every service
/// publishes one per interval in which it had traffic (ServiceDefaults' request metrics); Monitor adds them
/// up into per-minute traffic, error and latency figures. The same report delivered twice counts once: it is
/// identified by <see cref="Service"/>, <see cref="Instance"/> and <see cref="IntervalStart"/>.
/// </summary>
/// <param name="Service">The service that answered, e.g. <c>FeatureBuilder</c> (in the embedded host each of the six reports under its own name).</param>
/// <param name="Instance">The process that answered, e.g. <c>featurebuilder-7d9c8-x2x9z:1</c> (host name and process id unless configured).</param>
/// <param name="IntervalStart">Start of the interval the counts cover (inclusive).</param>
/// <param name="IntervalEnd">End of the interval (exclusive).</param>
/// <param name="BucketUpperBoundsMs">
/// The latency buckets' upper bounds in milliseconds, strictly increasing; bucket <c>i</c> holds durations
/// above bound <c>i-1</c> (0 for the first) up to and including bound <c>i</c>, and one more bucket after the
/// last bound holds everything slower.
/// </param>
/// <param name="Routes">One entry per route template, model and version that had requests.</param>
public sealed record RequestMetricsReported(
    string Service,
    string Instance,
    DateTimeOffset IntervalStart,
    DateTimeOffset IntervalEnd,
    IReadOnlyList<double> BucketUpperBoundsMs,
    IReadOnlyList<RouteRequestMetrics> Routes);

/// <summary>The requests of one route template, model and version during a report interval.</summary>
/// <param name="Route">The route template (e.g. <c>/api/v1/models/{model}/predict</c>), <c>bus:&lt;Message&gt;</c> for requests that came over the message bus, or <c>(unmatched)</c>.</param>
/// <param name="Model">The <c>model</c> route value (or the requested model of a bus request), when there is one.</param>
/// <param name="Version">The model version that answered, when the service said so.</param>
/// <param name="Requests">Requests answered.</param>
/// <param name="ClientErrors">Of those, answered with a 4xx status.</param>
/// <param name="ServerErrors">Of those, answered with a 5xx status (or failed with an exception).</param>
/// <param name="BucketCounts">Requests per latency bucket: one count per upper bound plus the overflow bucket; they add up to <paramref name="Requests"/>.</param>
public sealed record RouteRequestMetrics(
    string Route,
    string? Model,
    string? Version,
    long Requests,
    long ClientErrors,
    long ServerErrors,
    IReadOnlyList<long> BucketCounts);
