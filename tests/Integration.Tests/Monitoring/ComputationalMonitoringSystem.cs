using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The distributed system with request metrics reported every five seconds, so that the computational monitoring fills
/// within a test. Not every second: a service drops a report the broker has not taken within one interval (metrics are not
/// worth holding requests for), and a busy machine can hold a publish for a second; a dropped report would leave the counts
/// short for good, while a longer interval only makes the tests' polls wait a little longer. Five seconds divides a minute,
/// so Monitor's minute buckets stay exact.
/// </summary>
public sealed class ComputationalMonitoringSystem : DistributedSystem
{
    public ComputationalMonitoringSystem()
        : base(new Dictionary<string, string>
        {
            ["Telemetry__ReportInterval"] = "00:00:05",
        })
    {
    }
}
