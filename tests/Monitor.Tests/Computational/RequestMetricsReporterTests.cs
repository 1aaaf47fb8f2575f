using System.Diagnostics.Metrics;
using System.Reflection;
using Contracts.Monitoring;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceDefaults.Metrics;

namespace Monitor.Tests.Computational;

/// <summary>
/// How the reporter fares with a broker that is slow to take a report (a busy machine): it waits up to
/// <see cref="RequestMetricsReporter.PublishTimeout"/> on the host's clock, far beyond a 1 s interval, then drops it.
/// </summary>
public sealed class RequestMetricsReporterTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly HeldBus _bus;

    public RequestMetricsReporterTests()
    {
        _bus = DispatchProxy.Create<IBus, HeldBus>() is HeldBus bus ? bus : throw new InvalidOperationException("no proxy");
        _services = new ServiceCollection().AddMetrics().AddSingleton<IBus>((IBus)(object)_bus).BuildServiceProvider();
    }

    [Fact]
    public async Task A_report_the_broker_takes_longer_than_an_interval_to_accept_is_published_not_dropped()
    {
        var (reporter, recorder) = Reporter();
        recorder.Record("Inference", "scoring:ScoreRequest", "flight-delay", "1", 200, TimeSpan.FromMilliseconds(3));

        var publishing = reporter.PublishAsync(CancellationToken.None);
        await _bus.Publishing.WaitAsync(TimeSpan.FromMinutes(2));
        // Many intervals on the host's clock, just short of the publish timeout: still waiting for the broker.
        _clock.Advance(RequestMetricsReporter.PublishTimeout - TimeSpan.FromTicks(1));
        Assert.False(publishing.IsCompleted);
        _bus.Accept();

        Assert.Equal(1, await publishing.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(1, Assert.Single(_bus.Accepted).Routes.Single().Requests);
    }

    [Fact]
    public async Task A_report_the_broker_does_not_take_within_the_publish_timeout_is_dropped()
    {
        var (reporter, recorder) = Reporter();
        recorder.Record("Inference", "scoring:ScoreRequest", "flight-delay", "1", 200, TimeSpan.FromMilliseconds(3));

        var publishing = reporter.PublishAsync(CancellationToken.None);
        await _bus.Publishing.WaitAsync(TimeSpan.FromMinutes(2));
        _clock.Advance(RequestMetricsReporter.PublishTimeout);

        Assert.Equal(0, await publishing.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Empty(_bus.Accepted);
    }

    public void Dispose() => _services.Dispose();

    private (RequestMetricsReporter Reporter, RequestMetricsRecorder Recorder) Reporter()
    {
        var recorder = new RequestMetricsRecorder(_clock);
        var reporter = new RequestMetricsReporter(
            recorder,
            new HostMetrics(_services.GetRequiredService<IMeterFactory>()),
            _services,
            Options.Create(new TelemetryOptions { ReportInterval = Interval, InstanceId = "test" }),
            _clock,
            NullLogger<RequestMetricsReporter>.Instance);
        return (reporter, recorder);
    }

    /// <summary>
    /// A bus whose <c>Publish</c> of a report waits until the test accepts it or the caller gives up, as a broker that
    /// is slow to confirm; every other member is unused here.
    /// </summary>
    public class HeldBus : DispatchProxy
    {
        private readonly TaskCompletionSource _publishing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Publishing => _publishing.Task;

        public List<RequestMetricsReported> Accepted { get; } = [];

        public void Accept() => _accepted.TrySetResult();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IBus.Publish) } && args is [RequestMetricsReported report, CancellationToken cancellationToken])
                return PublishAsync(report, cancellationToken);
            throw new NotSupportedException(targetMethod?.Name);
        }

        private async Task PublishAsync(RequestMetricsReported report, CancellationToken cancellationToken)
        {
            _publishing.TrySetResult();
            await _accepted.Task.WaitAsync(cancellationToken);
            Accepted.Add(report);
        }
    }
}
