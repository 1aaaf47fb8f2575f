namespace ServiceDefaults.Metrics;

/// <summary>
/// Settings of the request metrics every service reports to Monitor (section <c>Telemetry</c>). The
/// Prometheus endpoint <c>/metrics</c> and OTLP export need no settings here.
/// </summary>
public sealed class TelemetryOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// How often a service publishes its request counts and latency histogram (<c>RequestMetricsReported</c>);
    /// nothing is published for an interval without requests. Default 10 seconds; from 1 second to 1 minute.
    /// An interval that divides a minute keeps Monitor's per-minute buckets exact.
    /// </summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The name of this process in the reports (<c>instance</c>). Default: the host name and the process id,
    /// e.g. <c>inference-7d9c8-x2x9z:1</c> in Kubernetes (the pod name).
    /// </summary>
    public string? InstanceId { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (ReportInterval < TimeSpan.FromSeconds(1) || ReportInterval > TimeSpan.FromMinutes(1))
            yield return "Telemetry:ReportInterval must be from 00:00:01 to 00:01:00.";
    }
}
