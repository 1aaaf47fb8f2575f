using Contracts.Monitoring;
using Microsoft.Extensions.Options;
using Monitor.Computational;
using ServiceDefaults.Metrics;

namespace Monitor.Tests.Computational;

public sealed class ServiceTrafficAggregatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(Start.AddMinutes(5));

    [Fact]
    public void Two_instances_of_a_service_add_up_to_one_row_per_model_version()
    {
        var traffic = Aggregator();
        var random = new Random(3);
        var first = Sample(random, 400, 2, 40);
        var second = Sample(random, 600, 5, 80);

        Assert.True(traffic.Add(Report("Inference", "inference-1", Start, Route("scoring:ScoreRequest", "flight-delay", "3", first, clientErrors: 2, serverErrors: 1))));
        Assert.True(traffic.Add(Report("Inference", "inference-2", Start, Route("scoring:ScoreRequest", "flight-delay", "3", second, clientErrors: 0, serverErrors: 4))));
        Assert.True(traffic.Add(Report("FeatureBuilder", "featurebuilder-1", Start, Route("/api/v1/models/{model}/predict", "flight-delay", "3", first, clientErrors: 7, serverErrors: 0))));

        var rows = traffic.Totals(Start, Start.AddMinutes(5), byInstance: false);

        Assert.Equal(["FeatureBuilder", "Inference"], rows.Select(row => row.Key.Service));
        var inference = rows.Single(row => row.Key.Service == "Inference");
        Assert.Equal(new TrafficKey("Inference", null, "flight-delay", "3"), inference.Key);
        Assert.Equal(1000, inference.Counts.Requests);
        Assert.Equal(2, inference.Counts.ClientErrors);
        Assert.Equal(5, inference.Counts.ServerErrors);
        // The merged histogram's percentiles are those of both samples together.
        var both = first.Concat(second).Order().ToArray();
        foreach (var quantile in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = both[(int)Math.Ceiling(quantile * both.Length) - 1];
            var bucket = RequestLatencyBuckets.IndexOf(exact);
            Assert.InRange(inference.Counts.LatencyMs(quantile)!.Value, bucket == 0 ? 0 : RequestLatencyBuckets.UpperBoundsMs[bucket - 1], RequestLatencyBuckets.UpperBoundsMs[bucket]);
        }

        var perInstance = traffic.Totals(Start, Start.AddMinutes(5), byInstance: true).Where(row => row.Key.Service == "Inference").ToList();
        Assert.Equal(["inference-1", "inference-2"], perInstance.Select(row => row.Key.Instance));
        Assert.Equal([400L, 600L], perInstance.Select(row => row.Counts.Requests));
    }

    [Fact]
    public void The_same_report_delivered_twice_counts_once()
    {
        var traffic = Aggregator();
        var report = Report("FeatureBuilder", "fb-1", Start, Route("/api/v1/models/{model}/predict", "flight-delay", "3", [1, 2, 3], clientErrors: 1, serverErrors: 0));
        var copy = report with { Routes = [.. report.Routes] };

        Assert.True(traffic.Add(report));
        Assert.False(traffic.Add(copy));
        // The next interval of the same instance is a new report.
        Assert.True(traffic.Add(report with { IntervalStart = Start.AddSeconds(10), IntervalEnd = Start.AddSeconds(20) }));

        var row = Assert.Single(traffic.Totals(Start, Start.AddMinutes(5), byInstance: false));
        Assert.Equal(6, row.Counts.Requests);
        Assert.Equal(2, row.Counts.ClientErrors);
    }

    [Fact]
    public void A_report_counts_in_the_minute_of_its_midpoint()
    {
        var traffic = Aggregator();
        // 10:00:50–10:01:20: its midpoint (10:01:05) is in the second minute.
        traffic.Add(Report("Gateway", "gw", Start.AddSeconds(50), Route("/api/v1/models/{**rest}", null, null, [1, 1]), length: TimeSpan.FromSeconds(30)));
        traffic.Add(Report("Gateway", "gw", Start.AddSeconds(10), Route("/api/v1/models/{**rest}", null, null, [1, 1, 1]), length: TimeSpan.FromSeconds(10)));

        var timeline = traffic.Timeline(null, null, Start, Start.AddMinutes(5));

        Assert.Equal([(Start, 3L), (Start.AddMinutes(1), 2L)], timeline.Select(point => (point.Minute, point.Total.Counts.Requests)));
        Assert.Equal(3, Assert.Single(traffic.Totals(Start, Start.AddMinutes(1), byInstance: false)).Counts.Requests);
    }

    [Fact]
    public void The_timeline_filters_by_service_and_model()
    {
        var traffic = Aggregator();
        traffic.Add(Report("Inference", "i1", Start, Route("scoring:ScoreRequest", "flight-delay", "3", [1]), Route("/v2/models/{model}/infer", "other", "1", [2, 2])));
        traffic.Add(Report("FeatureBuilder", "f1", Start, Route("/api/v1/models/{model}/predict", "flight-delay", "3", [1, 1, 1])));

        var points = traffic.Timeline("inference", "flight-delay", Start, Start.AddMinutes(5));

        var point = Assert.Single(points);
        Assert.Equal(new TrafficKey("Inference", null, "flight-delay", "3"), point.Total.Key);
        Assert.Equal(1, point.Total.Counts.Requests);
    }

    [Fact]
    public void Reports_older_than_the_retention_are_ignored_and_old_minutes_are_forgotten()
    {
        var traffic = Aggregator(TimeSpan.FromMinutes(30));
        Assert.False(traffic.Add(Report("Monitor", "m", Start.AddMinutes(-40), Route("/api/v1/monitoring/models", null, null, [1]))));
        Assert.True(traffic.Add(Report("Monitor", "m", Start, Route("/api/v1/monitoring/models", null, null, [1]))));

        _clock.Advance(TimeSpan.FromMinutes(40));
        traffic.Add(Report("Monitor", "m", _clock.GetUtcNow(), Route("/api/v1/monitoring/models", null, null, [1, 1])));

        var row = Assert.Single(traffic.Totals(Start.AddHours(-1), _clock.GetUtcNow().AddMinutes(1), byInstance: false));
        Assert.Equal(2, row.Counts.Requests);
    }

    [Fact]
    public void A_histogram_with_other_bounds_is_rebinned_at_its_buckets_midpoints()
    {
        var traffic = Aggregator();
        // Two buckets: (0, 10] ms and (10, 100] ms, then overflow.
        var report = new RequestMetricsReported("Retrainer", "r", Start, Start.AddSeconds(10), [10, 100],
            [new RouteRequestMetrics("/api/v1/registry", null, null, 6, 0, 0, [1, 2, 3])]);

        traffic.Add(report);

        var latencies = Assert.Single(traffic.Totals(Start, Start.AddMinutes(1), byInstance: false)).Counts.Latencies;
        Assert.Equal(1, latencies[RequestLatencyBuckets.IndexOf(5)]);
        Assert.Equal(2, latencies[RequestLatencyBuckets.IndexOf(55)]);
        Assert.Equal(3, latencies[RequestLatencyBuckets.IndexOf(100.001)]);
    }

    [Theory]
    [InlineData("bucketCounts add up to 2, not to requests (3)")]
    [InlineData("clientErrors + serverErrors (4) exceed requests (3)")]
    [InlineData("bucketCounts must have 70 entries")]
    public void A_malformed_report_is_refused_with_the_field(string expected)
    {
        var counts = new long[RequestLatencyBuckets.BoundCount + 1];
        counts[3] = expected.StartsWith("bucketCounts add", StringComparison.Ordinal) ? 2 : 3;
        var route = new RouteRequestMetrics("/x", null, null, 3, expected.StartsWith("clientErrors", StringComparison.Ordinal) ? 4 : 0, 0,
            expected.StartsWith("bucketCounts must", StringComparison.Ordinal) ? [3] : counts);
        var report = new RequestMetricsReported("Gateway", "g", Start, Start.AddSeconds(10), RequestLatencyBuckets.UpperBoundsMs, [route]);

        var problem = RequestMetricsReportCheck.ProblemOf(report);

        Assert.NotNull(problem);
        Assert.StartsWith("routes[0].", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    private ServiceTrafficAggregator Aggregator(TimeSpan? retention = null) =>
        new(Options.Create(new ComputationalMonitoringOptions { Retention = retention ?? TimeSpan.FromHours(24) }), _clock);

    private static RequestMetricsReported Report(string service, string instance, DateTimeOffset start, params RouteRequestMetrics[] routes) =>
        Report(service, instance, start, routes, TimeSpan.FromSeconds(10));

    private static RequestMetricsReported Report(string service, string instance, DateTimeOffset start, RouteRequestMetrics route, TimeSpan length) =>
        Report(service, instance, start, [route], length);

    private static RequestMetricsReported Report(string service, string instance, DateTimeOffset start, RouteRequestMetrics[] routes, TimeSpan length)
    {
        var report = new RequestMetricsReported(service, instance, start, start + length, RequestLatencyBuckets.UpperBoundsMs, routes);
        Assert.Null(RequestMetricsReportCheck.ProblemOf(report));
        return report;
    }

    private static RouteRequestMetrics Route(string route, string? model, string? version, double[] durationsMs, long clientErrors = 0, long serverErrors = 0) =>
        new(route, model, version, durationsMs.Length, clientErrors, serverErrors, LatencyPercentilesTests.Histogram(durationsMs));

    private static double[] Sample(Random random, int count, double fromMs, double toMs) =>
        [.. Enumerable.Range(0, count).Select(_ => fromMs + ((toMs - fromMs) * random.NextDouble()))];
}
