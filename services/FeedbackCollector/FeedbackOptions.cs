using Modeling.Text;
using ServiceDefaults;

namespace FeedbackCollector;

/// <summary>
/// How FeedbackCollector holds outcomes whose prediction is not known yet, how many one request may carry, whose
/// outcomes on the broker it takes, and how it batches the predictions it logs. Section <c>Feedback</c>.
/// </summary>
public sealed class FeedbackOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Feedback";

    /// <summary>The external systems' broker user (scripts/broker-users.sh, deploy/k8s/broker-users.yaml), trusted when <see cref="TrustedBrokerUsers"/> names none.</summary>
    public const string DefaultTrustedBrokerUser = "platform-external";

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

    /// <summary>
    /// How long a batch of <c>PredictionsMade</c> messages waits for more after its first one before it is
    /// logged in one transaction (a batch also ends at
    /// <see cref="Consumers.PredictionsMadeConsumerDefinition.MessageLimit"/> messages). Longer makes fewer,
    /// larger transactions and holds each prediction that much longer before it is logged and joined. From 1 ms
    /// to 1 minute. Env: <c>Feedback__PredictionBatchTimeLimit</c> (default <c>00:00:00.050</c>, 50 ms).
    /// </summary>
    public TimeSpan PredictionBatchTimeLimit { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The RabbitMQ users whose outcomes on <c>platform.ingest</c> are taken (they become labels): a message must carry
    /// the AMQP property <c>user_id</c>, which RabbitMQ checks against the publishing connection's user, set to one of
    /// them. Any other outcome event (no <c>user_id</c>, another user) goes to the error queue with the reason. None
    /// configured: <see cref="DefaultTrustedBrokerUser"/>; a configured list replaces it. Env:
    /// <c>Feedback__TrustedBrokerUsers__0</c>, <c>__1</c>, ….
    /// </summary>
    public List<string> TrustedBrokerUsers { get; set; } = [];

    /// <summary>The trusted broker users: <see cref="TrustedBrokerUsers"/>, or <see cref="DefaultTrustedBrokerUser"/> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveTrustedBrokerUsers => TrustedBrokerUsers.Count > 0 ? TrustedBrokerUsers : [DefaultTrustedBrokerUser];

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (HoldFor <= TimeSpan.Zero)
            yield return "Feedback:HoldFor must be positive (e.g. 7.00:00:00).";
        if (SweepInterval <= TimeSpan.Zero)
            yield return "Feedback:SweepInterval must be positive (e.g. 00:10:00).";
        if (MaxOutcomesPerRequest <= 0)
            yield return "Feedback:MaxOutcomesPerRequest must be positive.";
        if (PredictionBatchTimeLimit < TimeSpan.FromMilliseconds(1) || PredictionBatchTimeLimit > TimeSpan.FromMinutes(1))
            yield return "Feedback:PredictionBatchTimeLimit must be from 00:00:00.001 to 00:01:00.";
        for (var i = 0; i < TrustedBrokerUsers.Count; i++)
        {
            var user = TrustedBrokerUsers[i];
            if (string.IsNullOrWhiteSpace(user))
                yield return $"Feedback:TrustedBrokerUsers:{i} must name a RabbitMQ user.";
            else if (UserText.Problem(user, UserText.MaxKeyLength) is { } problem)
                yield return $"Feedback:TrustedBrokerUsers:{i} {problem}.";
        }
    }
}
