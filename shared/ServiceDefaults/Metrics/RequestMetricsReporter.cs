using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Publishes what the <see cref="RequestMetricsRecorder"/> counted, every <see cref="TelemetryOptions.ReportInterval"/>
/// (at multiples of the interval on the clock, so that intervals do not straddle Monitor's minutes), as one
/// <c>RequestMetricsReported</c> per service that had requests. A host without a message bus publishes nothing.
/// A broker that is slow to take a report (a busy machine) delays the next interval rather than losing counts: the
/// requests of the meantime go into the next report. Metrics are not worth more than that: a report the broker does
/// not take within <see cref="PublishTimeout"/> (or the interval, if longer) is logged and dropped.
/// </summary>
public sealed partial class RequestMetricsReporter(
    RequestMetricsRecorder recorder,
    HostMetrics metrics,
    IServiceProvider services,
    IOptions<TelemetryOptions> options,
    TimeProvider time,
    ILogger<RequestMetricsReporter> logger) : BackgroundService
{
    /// <summary>How long a report may wait for the broker at least, before it is dropped.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>This process's name in the reports.</summary>
    public string Instance { get; } = options.Value.InstanceId is { Length: > 0 } configured
        ? configured
        : $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReportInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(UntilNextBoundary(time.GetUtcNow(), interval), time, stoppingToken);
                await PublishAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the bus stops before this service, so the last partial interval is not reported.
        }
    }

    /// <summary>Ends the current interval now and publishes its reports; returns how many were published.</summary>
    public async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        var reports = recorder.Collect(Instance, time.GetUtcNow());
        if (reports.Count == 0 || services.GetService<IBus>() is not { } bus)
            return 0;

        using var giveUp = new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(PublishTimeout.Ticks, options.Value.ReportInterval.Ticks)), time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, giveUp.Token);
        var published = 0;
        foreach (var report in reports)
        {
            try
            {
                await bus.Publish(report, timeout.Token);
                published++;
                metrics.Report(published: true);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics.Report(published: false);
                LogNotPublished(exception, report.Service, report.Routes.Sum(route => route.Requests));
            }
        }

        return published;
    }

    private static TimeSpan UntilNextBoundary(DateTimeOffset now, TimeSpan interval)
    {
        var ticks = now.UtcTicks;
        var next = (ticks / interval.Ticks + 1) * interval.Ticks;
        return TimeSpan.FromTicks(next - ticks);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The request metrics of {Service} ({Requests} requests) could not be published and are dropped")]
    private partial void LogNotPublished(Exception exception, string service, long requests);
}
