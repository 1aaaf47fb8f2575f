using Integration.Tests.BrokerUsers;
using Integration.Tests.Online;

namespace Integration.Tests.Feedback;

/// <summary>
/// The distributed mode (<see cref="DistributedSystem"/>) whose FeedbackCollector trusts the external broker user of
/// <see cref="Users"/> (made by <c>scripts/broker-users.sh</c> on its virtual host, under a prefix of the system's own),
/// and an <see cref="OutcomeListener"/> on its virtual host, started once per test class.
/// </summary>
public sealed class FeedbackSystem : IAsyncLifetime, IDisposable
{
    private readonly string _prefix = BrokerUserAccounts.NewPrefix();

    public FeedbackSystem()
    {
        System = new TrustingSystem(BrokerUserAccounts.UserOf(_prefix, "external"));
    }

    public DistributedSystem System { get; }

    public OutcomeListener Outcomes { get; private set; } = null!;

    /// <summary>The platform's broker users on the system's virtual host; <c>external</c> is the one FeedbackCollector trusts.</summary>
    public BrokerUserAccounts Users { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await System.InitializeAsync();
        Users = await BrokerUserAccounts.CreateAsync(System.Broker, System.VirtualHost, _prefix);
        // Not disposed here: the system deletes its virtual host itself.
        Outcomes = await OutcomeListener.StartAsync(new RabbitMqVirtualHost(System.VirtualHost, System.Broker).ServiceEnvironment());
    }

    public async Task DisposeAsync()
    {
        if (Outcomes is not null)
            await Outcomes.DisposeAsync();
        if (Users is not null)
            await Users.DisposeAsync();
        await System.DisposeAsync();
    }

    public void Dispose() => System.Dispose();

    // Outcome events count only from a trusted broker user: the external user the test makes, as platform-external is in a deployment.
    private sealed class TrustingSystem(string externalUser)
        : DistributedSystem(new Dictionary<string, string> { ["Feedback__TrustedBrokerUsers__0"] = externalUser });
}
