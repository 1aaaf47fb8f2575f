using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

/// <summary>
/// The service defaults' own metrics (meter <c>Platform.Host</c>), present in every process: when the process
/// started (the runtime's meter has CPU time and memory but no start time, which tells restarts apart), and
/// how the request-metrics reports to Monitor fare.
/// </summary>
public sealed class HostMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.Host";

    private readonly Counter<long> _reports;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public HostMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        using var process = Process.GetCurrentProcess();
        var startedAt = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        meter.CreateObservableGauge("platform.process.start_time", () => startedAt, "s", "When the process started, in seconds since the Unix epoch.");
        _reports = meter.CreateCounter<long>("platform.request_metrics.reports", "{report}", "Request-metrics reports to Monitor, by result (published or dropped).");
    }

    /// <summary>One report published, or dropped because the broker did not take it.</summary>
    public void Report(bool published) =>
        _reports.Add(1, new KeyValuePair<string, object?>("result", published ? "published" : "dropped"));
}
