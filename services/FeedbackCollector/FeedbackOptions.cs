namespace FeedbackCollector;

/// <summary>How FeedbackCollector holds outcomes whose prediction is not known yet, and how many one request may carry. Section <c>Feedback</c>.</summary>
public sealed class FeedbackOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Feedback";

    /// <summary>
    /// How long an outcome whose prediction is not logged stays pending (and is joined if the prediction
    /// arrives); after that it is orphaned: kept and counted, no longer joined. Env: <c>Feedback__HoldFor</c>
    /// (e.g. <c>7.00:00:00</c>).
    /// </summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often pending outcomes older than <see cref="HoldFor"/> are orphaned, and joined outcomes whose events a
    /// failure left unpublished are published. Env: <c>Feedback__SweepInterval</c>.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most outcomes one <c>POST /api/v1/feedback</c> may carry (more gets 413). Env: <c>Feedback__MaxOutcomesPerRequest</c>.</summary>
    public int MaxOutcomesPerRequest { get; set; } = 10_000;
}
