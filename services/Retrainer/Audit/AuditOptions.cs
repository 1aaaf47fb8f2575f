using ServiceDefaults;

namespace Retrainer.Audit;

/// <summary>How long the audit log is kept. Section <c>Audit</c>.</summary>
public sealed class AuditOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Audit";

    /// <summary>How long an audit entry is kept after it was recorded (deleted by an hourly sweep). Env: <c>Audit__Retention</c>.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(365);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (Retention < TimeSpan.FromHours(1))
            yield return "Audit:Retention must be at least one hour (e.g. 365.00:00:00).";
    }
}
