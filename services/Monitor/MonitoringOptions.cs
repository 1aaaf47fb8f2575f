using Monitor.Alerts;
using ServiceDefaults;
using ServiceDefaults.Webhooks;

namespace Monitor;

/// <summary>
/// How Monitor builds its windows and which alert rules it applies. Section <c>Monitoring</c>; every key also as
/// an environment variable (<c>Monitoring__CountWindow</c>, <c>Monitoring__Rules__0__Threshold</c>, …).
/// </summary>
public sealed class MonitoringOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>
    /// Predictions in the count window: drift and estimated performance are computed over the last this many
    /// predictions of a model version, evaluated each time a tenth of it has arrived. Default 5000.
    /// </summary>
    public int CountWindow { get; set; } = 5000;

    /// <summary>Outcomes in the outcome count window (realized performance), evaluated every tenth. Default 2000.</summary>
    public int OutcomeCountWindow { get; set; } = 2000;

    /// <summary>The time window: drift and performance over the predictions and outcomes of the last this long. Default 1 hour.</summary>
    public TimeSpan TimeWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Length of a time bucket: the timeline's resolution, how often time-window rules are evaluated, and how
    /// much monitoring a crash can lose (an open bucket is saved every <see cref="SaveInterval"/>). Default 1 minute.
    /// </summary>
    public TimeSpan BucketDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the open buckets are saved and the stalled rules checked. Default 5 seconds.</summary>
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long time buckets are kept (the timeline's reach). Default 30 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Predictions a version whose card has no reference statistics is summarised from to make its live reference
    /// (<c>Monitoring__LiveReferenceRows</c>): its first this many predictions; later traffic is compared with them. Default 1000.
    /// </summary>
    public int LiveReferenceRows { get; set; } = 1000;

    /// <summary>Outcomes a segment needs before it is ranked among the worst (segments per model: the card's <c>monitoring.segmentBy</c>). Default 50.</summary>
    public int MinSegmentOutcomes { get; set; } = 50;

    /// <summary>Segments listed, worst first (binary: lowest AUC; multiclass: lowest accuracy; regression: highest RMSE). Default 10.</summary>
    public int WorstSegments { get; set; } = 10;

    /// <summary>
    /// Where alerts are also POSTed as JSON (the event, with a <c>kind</c>), e.g. a Slack or PagerDuty relay:
    /// <c>Monitoring__Webhooks__0=https://hooks.example/alerts</c>. Default none.
    /// </summary>
    public IList<Uri> Webhooks { get; set; } = [];

    /// <summary>
    /// The alert rules; when none are configured, <see cref="AlertRuleOptions.Defaults"/> apply (input drift by PSI,
    /// AUC and estimated AUC drops for binary models, accuracy and estimated accuracy drops for multiclass ones, stalled predictions). Configure as <c>Monitoring__Rules__0__Name</c>,
    /// <c>Monitoring__Rules__0__Kind</c>, … (see docs/monitoring.md).
    /// </summary>
    public IList<AlertRuleOptions> Rules { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (CountWindow < 10)
            yield return "Monitoring:CountWindow must be at least 10.";
        if (OutcomeCountWindow < 10)
            yield return "Monitoring:OutcomeCountWindow must be at least 10.";
        if (BucketDuration < TimeSpan.FromSeconds(1))
            yield return "Monitoring:BucketDuration must be at least one second.";
        if (TimeWindow < BucketDuration)
            yield return "Monitoring:TimeWindow must be at least one bucket (Monitoring:BucketDuration).";
        if (SaveInterval <= TimeSpan.Zero)
            yield return "Monitoring:SaveInterval must be positive.";
        if (Retention < TimeWindow)
            yield return "Monitoring:Retention must be at least the time window.";
        if (LiveReferenceRows < 10)
            yield return "Monitoring:LiveReferenceRows must be at least 10.";
        if (WebhookDeliveryExtensions.Problem("Monitoring:Webhooks", Webhooks) is { } webhooks)
            yield return webhooks;
        if (AlertRuleValidation.Problem(Rules) is { } problem)
            yield return problem;
    }
}
