using Integration.Tests.Online;

namespace Integration.Tests.Replay;

/// <summary>
/// The distributed system with Monitor set up for a short replay: a count window of 2000 predictions judged every
/// 200 once whole, and one drift rule (PSI above 0.2 in any column, twice in a row). At the replay's sample (about
/// 130 flights a day) 2000 predictions span two weeks, so a window of January traffic holds every weekday and hour
/// in the shares the training data had: what is left to drift is the real shift. Alerts start no retraining: a new
/// version would change what the tests measure, and would depend on which test ran first.
/// </summary>
public sealed class ReplaySystem : DistributedSystem
{
    /// <summary>The drift rule's name.</summary>
    public const string DriftRule = "input-drift";

    public ReplaySystem()
        : base(new Dictionary<string, string>
        {
            ["Monitoring__CountWindow"] = "2000",
            ["Monitoring__Rules__0__Name"] = DriftRule,
            ["Monitoring__Rules__0__Kind"] = "Drift",
            ["Monitoring__Rules__0__Statistic"] = "Psi",
            ["Monitoring__Rules__0__Threshold"] = "0.2",
            ["Monitoring__Rules__0__MinRows"] = "2000",
            ["Monitoring__Rules__0__ConsecutiveWindows"] = "2",
            ["Retraining__Enabled"] = "false",
            // The replay logs in as the test broker's user and sets user_id: its outcomes count, as platform-external's do in a deployment.
            ["Feedback__TrustedBrokerUsers__0"] = RabbitMqFixture.Username,
        })
    {
    }

    /// <summary>The broker and virtual host as the replay tool takes them.</summary>
    public Uri Amqp => new($"amqp://{RabbitMqFixture.Username}:{RabbitMqFixture.Password}@{RabbitMqFixture.Host}:{RabbitMqFixture.AmqpPort}/{Uri.EscapeDataString(VirtualHost)}");
}
