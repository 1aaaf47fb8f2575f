using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The distributed system with request metrics reported every second and a two-second wait for Inference, so
/// that the computational monitoring fills quickly and a prediction without Inference fails fast (503).
/// </summary>
public sealed class ComputationalMonitoringSystem : DistributedSystem
{
    public ComputationalMonitoringSystem()
        : base(new Dictionary<string, string>
        {
            ["Telemetry__ReportInterval"] = "00:00:01",
            ["FeatureBuilder__InferenceTimeout"] = "00:00:02",
        })
    {
    }
}
