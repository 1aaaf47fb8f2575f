using Integration.Tests.BrokerUsers;
using Integration.Tests.Feedback;

namespace Integration.Tests.Online;

/// <summary>
/// The distributed system of the <see cref="SharedDistributedSystem"/> collection: the test settings, and a FeedbackCollector
/// that trusts the external broker user of <see cref="Users"/> (made by <c>scripts/broker-users.sh</c> on its virtual host,
/// under a prefix of the system's own, as <c>platform-external</c> in a deployment), with an <see cref="OutcomeListener"/> on
/// its virtual host for the tests of outcome events. Request metrics are reported every five seconds, so that the
/// computational monitoring fills within a test. Not every second: a service drops a report the broker has not taken
/// within one interval (metrics are not worth holding requests for), and a busy machine can hold a publish for a second;
/// a dropped report would leave the counts short for good. Five seconds divides a minute, so Monitor's minute buckets
/// stay exact.
/// </summary>
public sealed class SharedSystem : DistributedSystem, IAsyncLifetime
{
    private readonly string _prefix;

    public SharedSystem()
        : this(BrokerUserAccounts.NewPrefix())
    {
    }

    private SharedSystem(string prefix)
        : base(new Dictionary<string, string>
        {
            ["Feedback__TrustedBrokerUsers__0"] = BrokerUserAccounts.UserOf(prefix, "external"),
            ["Telemetry__ReportInterval"] = "00:00:05",
        })
    {
        _prefix = prefix;
    }

    /// <summary>Every <c>OutcomeRecorded</c> published on the system's virtual host since the start.</summary>
    public OutcomeListener Outcomes { get; private set; } = null!;

    /// <summary>The platform's broker users on the system's virtual host; <c>external</c> is the one FeedbackCollector trusts.</summary>
    public BrokerUserAccounts Users { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Users = await BrokerUserAccounts.CreateAsync(Broker, VirtualHost, _prefix);
        // Not disposed here: the system deletes its virtual host itself.
        Outcomes = await OutcomeListener.StartAsync(new RabbitMqVirtualHost(VirtualHost, Broker).ServiceEnvironment());
    }

    public new async Task DisposeAsync()
    {
        if (Outcomes is not null)
            await Outcomes.DisposeAsync();
        if (Users is not null)
            await Users.DisposeAsync();
        await base.DisposeAsync();
    }
}
