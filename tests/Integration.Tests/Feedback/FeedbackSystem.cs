using Integration.Tests.Online;

namespace Integration.Tests.Feedback;

/// <summary>The distributed mode (<see cref="DistributedSystem"/>) and an <see cref="OutcomeListener"/> on its virtual host, started once per test class.</summary>
public sealed class FeedbackSystem : IAsyncLifetime, IDisposable
{
    public DistributedSystem System { get; } = new();

    public OutcomeListener Outcomes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await System.InitializeAsync();
        // Not disposed here: the system deletes its virtual host itself.
        Outcomes = await OutcomeListener.StartAsync(new RabbitMqVirtualHost(System.VirtualHost, System.Broker).ServiceEnvironment());
    }

    public async Task DisposeAsync()
    {
        if (Outcomes is not null)
            await Outcomes.DisposeAsync();
        await System.DisposeAsync();
    }

    public void Dispose() => System.Dispose();
}
