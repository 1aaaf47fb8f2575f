using System.Net;
using Integration.Tests.BrokerUsers;
using Integration.Tests.Online;

namespace Integration.Tests.Ingest;

/// <summary>
/// The embedded host (every service in one process) on a real broker (<c>Messaging__Transport=RabbitMq</c>, a virtual host
/// of its own), serving the test model, with the platform's broker users made by <c>scripts/broker-users.sh</c> under a
/// prefix of its own; its FeedbackCollector trusts their external user. Started once per test class.
/// </summary>
public sealed class EmbeddedBrokerHost : IAsyncLifetime, IDisposable
{
    private readonly RabbitMqFixture _broker = new();
    private readonly string _prefix = BrokerUserAccounts.NewPrefix();
    private RabbitMqVirtualHost? _virtualHost;
    private string? _modelsFolder;

    /// <summary>The host's data folder (its stores).</summary>
    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), $"it-embedded-ingest-{Guid.NewGuid():N}");

    public ServiceProcess Host { get; private set; } = null!;

    /// <summary>The platform's broker users on the host's virtual host.</summary>
    public BrokerUserAccounts Users { get; private set; } = null!;

    public string VirtualHost => _virtualHost!.Name;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _virtualHost = await _broker.CreateVirtualHostAsync("embedded-ingest");
        Users = await BrokerUserAccounts.CreateAsync(_broker, _virtualHost.Name, _prefix);
        // The host's registry may write to its folder (a retrained version, aliases): a copy of its own.
        _modelsFolder = await TestModel.CopyOfModelsFolderAsync();
        var environment = new Dictionary<string, string>(_virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = _modelsFolder,
            ["Storage__DataFolder"] = DataFolder,
            ["Feedback__TrustedBrokerUsers__0"] = Users.External,
        };
        Host = ServiceProcess.Start("Embedded", environment);
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await Host.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        if (Users is not null)
            await Users.DisposeAsync();
        if (_virtualHost is not null)
            await _virtualHost.DisposeAsync();
        await _broker.DisposeAsync();
        foreach (var folder in new[] { DataFolder, _modelsFolder })
        {
            if (folder is not null && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _broker.Dispose();
}
