using System.Diagnostics.Metrics;

namespace FeedbackCollector;

/// <summary>
/// FeedbackCollector's own metrics (meter <c>Platform.FeedbackCollector</c>, exported with the platform's other
/// <c>Platform.*</c> meters): outcomes received, joined, left pending, orphaned and refused as duplicates, and the
/// <c>OutcomeRecorded</c> events published.
/// </summary>
public sealed class FeedbackMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.FeedbackCollector";

    private readonly Counter<long> _received;
    private readonly Counter<long> _joined;
    private readonly Counter<long> _pending;
    private readonly Counter<long> _orphaned;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _recorded;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public FeedbackMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("platform.feedback.outcomes.received", "{outcome}", "Outcomes received for the first time, by channel (http or event).");
        _joined = meter.CreateCounter<long>("platform.feedback.outcomes.joined", "{outcome}", "Outcomes joined to their predictions, by model.");
        _pending = meter.CreateCounter<long>("platform.feedback.outcomes.pending", "{outcome}", "Outcomes received whose prediction was not logged yet, held pending.");
        _orphaned = meter.CreateCounter<long>("platform.feedback.outcomes.orphaned", "{outcome}", "Pending outcomes whose hold time ended without a prediction.");
        _duplicates = meter.CreateCounter<long>("platform.feedback.outcomes.duplicates", "{outcome}", "Copies received of outcomes already stored, by channel.");
        _recorded = meter.CreateCounter<long>("platform.feedback.outcome_recorded.published", "{event}", "OutcomeRecorded events published (one per joined prediction), by model and version.");
    }

    /// <summary>New outcomes received on <paramref name="channel"/>.</summary>
    public void Received(string channel, long count) => Add(_received, count, new("channel", channel));

    /// <summary>Duplicates received on <paramref name="channel"/>.</summary>
    public void Duplicates(string channel, long count) => Add(_duplicates, count, new("channel", channel));

    /// <summary>New outcomes left pending.</summary>
    public void Pending(long count) => Add(_pending, count, default);

    /// <summary>Outcomes of <paramref name="model"/> joined.</summary>
    public void Joined(string model, long count) => Add(_joined, count, new("model", model));

    /// <summary>Pending outcomes orphaned.</summary>
    public void Orphaned(long count) => Add(_orphaned, count, default);

    /// <summary>One <c>OutcomeRecorded</c> published.</summary>
    public void Recorded(string model, string version) => _recorded.Add(1, new("model", model), new("version", version));

    private static void Add(Counter<long> counter, long count, KeyValuePair<string, object?> tag)
    {
        if (count <= 0)
            return;
        if (tag.Key is null)
            counter.Add(count);
        else
            counter.Add(count, tag);
    }
}
