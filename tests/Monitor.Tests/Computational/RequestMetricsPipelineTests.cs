using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Monitoring;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Computational;
using Monitor.Consumers;
using Monitor.Endpoints;
using ServiceDefaults;
using ServiceDefaults.Metrics;

namespace Monitor.Tests.Computational;

/// <summary>
/// A real host on 127.0.0.1 with the service defaults, a few endpoints of its own and Monitor's computational
/// monitoring on the in-memory bus, as the embedded host runs them: what the request metrics record per request,
/// what the reporter publishes, and what Monitor's API then shows.
/// </summary>
public sealed class RequestMetricsPipelineTests : IAsyncLifetime, IDisposable
{
    private const string Model = "flight-delay";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    // The host's clock. The reporter publishes (and empties the recorder) at each multiple of its interval on
    // this clock, which only a test could move and none does: reports go out only when a test publishes them.
    // Half past a minute, because the services listing counts the minutes that started before now, and a report
    // made on a clock that does not move covers the instant now.
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero));
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Embedded", EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Telemetry:ReportInterval"] = "00:01:00";
        builder.Configuration["Telemetry:InstanceId"] = "test-instance";
        // Before the service defaults, which add the system clock only when no TimeProvider is registered.
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddServiceDefaults();
        // Computational monitoring as MonitorService adds it, without the rest of the Monitor.
        builder.AddValidatedOptions<ComputationalMonitoringOptions>(ComputationalMonitoringOptions.SectionName);
        builder.Services.AddSingleton<ServiceTrafficAggregator>();
        builder.AddMessageConsumers(bus => bus.AddConsumer<RequestMetricsReportedConsumer, RequestMetricsReportedConsumerDefinition>());
        builder.AddMessageBus();

        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapServiceInfo(new ServiceDescription("Embedded", "1", "test host"));
        _app.MapServiceTrafficEndpoints();
        var models = _app.MapGroup("/api/v1/models");
        models.MapPost("/{model}/predict", Predict);
        await _app.StartAsync();
        TestKeys.Trust(_app.Services);
        _client = TestKeys.Authorized(new HttpClient { BaseAddress = new Uri(_app.Urls.First()) });
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Each_request_is_recorded_under_its_route_template_model_version_and_status_class()
    {
        await SendAsync("ok", times: 3);
        await SendAsync("slow", times: 2);
        await SendAsync("invalid", times: 4);
        await SendAsync("fail", times: 2);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/no/such/path", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/api/v1/monitoring/services", UriKind.Relative))).StatusCode);
        // Probes and scrapes are not traffic.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);

        var reports = _app.Services.GetRequiredService<RequestMetricsRecorder>().Collect("test-instance", _clock.GetUtcNow());

        // Handlers declared in this test assembly count for it (it is built on the service defaults, like a
        // service); Monitor's endpoint counts for Monitor; the shared service-info endpoint and unmatched paths
        // for the host.
        Assert.Equal(["Embedded", "Monitor", "Monitor.Tests"], reports.Select(report => report.Service));
        var host = reports.Single(report => report.Service == "Embedded").Routes;
        Assert.Equal([(EndpointAttribution.Unmatched, 1L, 1L), ("/", 1L, 0L)], host.Select(route => (route.Route, route.Requests, route.ClientErrors)));
        var monitor = Assert.Single(reports.Single(report => report.Service == "Monitor").Routes);
        Assert.Equal(("/api/v1/monitoring/services", 1L), (monitor.Route, monitor.Requests));

        var predict = reports.Single(report => report.Service == "Monitor.Tests").Routes;
        Assert.All(predict, route => Assert.Equal(("/api/v1/models/{model}/predict", Model), (route.Route, route.Model)));
        // The version the handler reported, also on its 4xx and 5xx answers; none when it reported none.
        var versioned = predict.Single(route => route.Version == "7");
        Assert.Equal((9L, 4L, 2L), (versioned.Requests, versioned.ClientErrors, versioned.ServerErrors));
        var unversioned = predict.Single(route => route.Version is null);
        Assert.Equal((2L, 0L, 0L), (unversioned.Requests, unversioned.ClientErrors, unversioned.ServerErrors));
        // Every request is in exactly one latency bucket; the two slow ones (≥ 80 ms) in the buckets from 80 ms up.
        Assert.All(reports.SelectMany(report => report.Routes), route => Assert.Equal(route.Requests, route.BucketCounts.Sum()));
        Assert.Equal(2, unversioned.BucketCounts.Skip(RequestLatencyBuckets.IndexOf(80)).Sum());
    }

    [Fact]
    public async Task Published_reports_reach_the_monitoring_API_once_each()
    {
        await SendAsync("ok", times: 5);
        await SendAsync("invalid", times: 2);
        await SendAsync("fail", times: 1);
        var reporter = _app.Services.GetRequiredService<RequestMetricsReporter>();
        Assert.Equal(1, await reporter.PublishAsync(default));
        // Nothing new: nothing is published.
        Assert.Equal(0, await reporter.PublishAsync(default));

        var row = await WaitForRowAsync(row => row.GetProperty("service").GetString() == "Monitor.Tests");

        Assert.Equal(Model, row.GetProperty("model").GetString());
        Assert.Equal("7", row.GetProperty("version").GetString());
        Assert.Equal(8, row.GetProperty("requests").GetInt64());
        Assert.Equal(1, row.GetProperty("errors").GetInt64());
        Assert.Equal(2, row.GetProperty("clientErrors").GetInt64());
        Assert.Equal(1.0 / 8, row.GetProperty("errorRate").GetDouble(), 9);
        var p50 = row.GetProperty("latencyP50Ms").GetDouble();
        var p99 = row.GetProperty("latencyP99Ms").GetDouble();
        // Latencies are real durations on a machine that may be busy: no ceiling.
        Assert.True(p50 > 0, $"p50 {p50} ms");
        Assert.True(p99 >= p50, $"p99 {p99} ms < p50 {p50} ms");
        Assert.False(row.TryGetProperty("instance", out _));

        var timeline = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/monitoring/services/timeline?service=Monitor.Tests", UriKind.Relative));
        Assert.Equal(60, timeline.GetProperty("bucketSeconds").GetInt32());
        Assert.Equal(8, timeline.GetProperty("points").EnumerateArray().Sum(point => point.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task A_report_delivered_twice_on_the_bus_counts_once()
    {
        var counts = new long[RequestLatencyBuckets.BoundCount + 1];
        counts[RequestLatencyBuckets.IndexOf(3)] = 4;
        var start = _clock.GetUtcNow().AddSeconds(-20);
        var report = new RequestMetricsReported("Replayed", "replica-1", start, start.AddSeconds(10), RequestLatencyBuckets.UpperBoundsMs,
            [new RouteRequestMetrics("/api/v1/x", Model, "2", 4, 1, 0, counts)]);
        var bus = _app.Services.GetRequiredService<IBus>();
        var consumed = new ConsumedReports();
        using var observing = bus.ConnectConsumeObserver(consumed);

        await bus.Publish(report);
        await bus.Publish(report with { Routes = [.. report.Routes] });
        // The next interval of the same instance is a new report.
        await bus.Publish(report with { IntervalStart = start.AddSeconds(10), IntervalEnd = start.AddSeconds(20) });

        // The in-memory bus delivers concurrently: once the consumer has finished with all three reports, the copy
        // was handled (and would show as 12 requests had it been counted).
        await WaitUntilAsync(() => consumed.Count >= 3, () => $"{consumed.Count} of the 3 reports consumed");
        Assert.Equal(3, consumed.Count);
        Assert.Empty(consumed.Faults);
        var row = await WaitForRowAsync(row => row.GetProperty("service").GetString() == "Replayed");
        Assert.Equal(8, row.GetProperty("requests").GetInt64());
        Assert.Equal(2, row.GetProperty("clientErrors").GetInt64());
    }

    [Fact]
    public async Task Invalid_query_parameters_are_problems_naming_the_parameter()
    {
        using var minutes = await _client.GetAsync(new Uri("/api/v1/monitoring/services?minutes=zero", UriKind.Relative));
        using var to = await _client.GetAsync(new Uri("/api/v1/monitoring/services/timeline?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", UriKind.Relative));

        foreach (var (response, parameter) in new[] { (minutes, "minutes"), (to, "to") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
        }
    }

    private async Task<JsonElement> WaitForRowAsync(Func<JsonElement, bool> predicate)
    {
        var waited = Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < Deadline)
        {
            var answer = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/monitoring/services?minutes=5", UriKind.Relative));
            last = answer.ToString();
            foreach (var row in answer.GetProperty("services").EnumerateArray())
            {
                if (predicate(row))
                    return row;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No such row in the monitoring API; last answer: {last}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Deadline)
                throw new Xunit.Sdk.XunitException($"Not reached within {Deadline}: {state()}");
            await Task.Delay(20);
        }
    }

    private async Task SendAsync(string outcome, int times)
    {
        for (var index = 0; index < times; index++)
        {
            using var response = await _client.PostAsJsonAsync(new Uri($"/api/v1/models/{Model}/predict?outcome={outcome}", UriKind.Relative), new { });
            Assert.True((int)response.StatusCode is 200 or 400 or 500, $"{response.StatusCode}");
        }
    }

    // "ok" and "slow" answer 200, "invalid" 400, "fail" throws (500 from the problem-details handler); all but
    // "slow" say which version answered.
    private static async Task<IResult> Predict(string model, string outcome, HttpContext context)
    {
        if (outcome != "slow")
            context.ReportModelVersion("7");
        switch (outcome)
        {
            case "slow":
                await Task.Delay(80);
                return Results.Ok();
            case "invalid":
                return Results.Problem("invalid record", statusCode: StatusCodes.Status400BadRequest);
            case "fail":
                throw new InvalidOperationException("scoring failed");
            default:
                return Results.Ok(new { model });
        }
    }

    /// <summary>Counts the <see cref="RequestMetricsReported"/> messages whose consumers have finished.</summary>
    private sealed class ConsumedReports : IConsumeObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public System.Collections.Concurrent.ConcurrentQueue<Exception> Faults { get; } = new();

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.Message is RequestMetricsReported)
                Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class
        {
            if (context.Message is RequestMetricsReported)
            {
                Faults.Enqueue(exception);
                Interlocked.Increment(ref _count);
            }

            return Task.CompletedTask;
        }
    }
}
