using ServiceDefaults;

namespace Monitor.Computational;

/// <summary>
/// How Monitor keeps the services' request metrics (section <c>ComputationalMonitoring</c>): in memory, in
/// one-minute buckets per service, instance, model and version.
/// </summary>
public sealed class ComputationalMonitoringOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ComputationalMonitoring";

    /// <summary>
    /// How long the per-minute buckets are kept in memory (the reach of <c>/api/v1/monitoring/services</c> and its
    /// timeline); reports about older intervals are ignored. Default 24 hours; from 1 minute to 31 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (Retention < TimeSpan.FromMinutes(1) || Retention > TimeSpan.FromDays(31))
            yield return "ComputationalMonitoring:Retention must be from 00:01:00 to 31.00:00:00.";
    }
}
