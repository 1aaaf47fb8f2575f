using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Integration.Tests.Security;

/// <summary>
/// The embedded host as it starts by default (security on, the in-memory bus), with a data folder of its own: one
/// process for the test classes of <see cref="Collection"/>, which run one after the other; deleted when they are done.
/// </summary>
public sealed class SecuredEmbeddedHost : IAsyncLifetime, IDisposable
{
    /// <summary>The collection of the classes that share the host.</summary>
    public const string Collection = "Secured embedded host";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-security-{Guid.NewGuid():N}");
    private ServiceProcess? _host;
    // Without the tests' admin key that the host's own client sends: each request says which key it carries, if any.
    private HttpClient? _client;

    /// <summary>The running host.</summary>
    public ServiceProcess Host => _host ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>A client of the host that sends no credential of its own (unlike <see cref="ServiceProcess.Client"/>).</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Where the host writes its first admin key.</summary>
    public string AdminKeyFile => Path.Combine(_dataFolder, "store", "admin-key");

    public async Task InitializeAsync()
    {
        _host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = Path.Combine(_dataFolder, "models"),
            ["Registry__BootstrapDemoModel"] = "false",
            ["Storage__DataFolder"] = Path.Combine(_dataFolder, "store"),
            // Unset: the Retrainer creates the first key in the data folder, as on a fresh machine.
            ["Security__AdminKeyFile"] = "",
        });
        await _host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        _client = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The first admin key, once the host has written it and its services accept it (they learn the keys over the bus).</summary>
    public async Task<string> AdminKeyAsync()
    {
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(AdminKeyFile)), Deadlines.DistributedState, "the admin key file", Host.Failure);
        var admin = (await File.ReadAllTextAsync(AdminKeyFile)).Trim();
        await Poll.UntilAsync(async () =>
        {
            using var answer = await SendAsync(HttpMethod.Get, "/api/v1/keys", admin);
            return answer.StatusCode == HttpStatusCode.OK;
        }, Deadlines.DistributedState, "the admin key to be accepted", Host.Failure);
        return admin;
    }

    /// <summary>Sends a request to the host with <paramref name="key"/> as a bearer token (no credential when null) and <paramref name="body"/> as JSON.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await Client.SendAsync(request);
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (Directory.Exists(_dataFolder))
            Directory.Delete(_dataFolder, recursive: true);
    }
}

/// <summary>The test classes that share one <see cref="SecuredEmbeddedHost"/>.</summary>
[CollectionDefinition(SecuredEmbeddedHost.Collection)]
public sealed class SecuredEmbeddedHostGroup : ICollectionFixture<SecuredEmbeddedHost>;
