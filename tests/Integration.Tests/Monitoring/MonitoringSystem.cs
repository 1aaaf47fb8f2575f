using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The distributed system with a small count window and a quick drift rule (PSI above 0.2 over the last 200
/// predictions, judged from 100 on, twice in a row, firing again at every judgement while breached), alerts also
/// POSTed to a <see cref="WebhookReceiver"/>.
/// </summary>
public sealed class MonitoringSystem : DistributedSystem
{
    public MonitoringSystem()
        : this(WebhookReceiver.StartAsync().GetAwaiter().GetResult())
    {
    }

    private MonitoringSystem(WebhookReceiver webhook)
        : base(new Dictionary<string, string>
        {
            ["Monitoring__CountWindow"] = "200",
            ["Monitoring__Webhooks__0"] = webhook.Address.ToString(),
            ["Monitoring__Rules__0__Name"] = "input-drift",
            ["Monitoring__Rules__0__Kind"] = "Drift",
            ["Monitoring__Rules__0__Statistic"] = "Psi",
            ["Monitoring__Rules__0__Threshold"] = "0.2",
            ["Monitoring__Rules__0__MinRows"] = "100",
            ["Monitoring__Rules__0__ConsecutiveWindows"] = "2",
            // No cool-down (1 h by default): whatever the other tests of the class predicted before, and in whatever
            // order they ran, the drift test's own records fire the rule again.
            ["Monitoring__Rules__0__CoolDown"] = "00:00:00",
        })
    {
        Webhook = webhook;
    }

    /// <summary>Where Monitor POSTs alerts.</summary>
    public WebhookReceiver Webhook { get; }
}
