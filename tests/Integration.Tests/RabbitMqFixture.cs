using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Serialization;

namespace Integration.Tests;

/// <summary>
/// The local RabbitMQ broker (127.0.0.1:5672, management API on :15672, guest/guest), found by each test class that
/// needs it. Each test takes its own virtual host from <see cref="CreateVirtualHostAsync"/>, so tests that run at the
/// same time never see each other's queues and exchanges.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime, IDisposable
{
    public const string Host = "127.0.0.1";
    public const int AmqpPort = 5672;
    public const string Username = "guest";
    public const string Password = "guest";

    private const string InstallHint =
        "Start it with `scripts/install-rabbitmq.sh` (installs RabbitMQ from Debian if needed and starts the node " +
        "rabbit@localhost with the management plugin), then run the tests again.";

    private static readonly Uri ManagementAddress = new("http://127.0.0.1:15672/api/");

    private readonly HttpClient _management;
    private readonly ConcurrentDictionary<string, bool> _virtualHosts = new();

    public RabbitMqFixture()
    {
        // Generous: the management API answers slowly while the machine is busy (virtual hosts are made and deleted
        // as tests start and end).
        _management = new HttpClient { BaseAddress = ManagementAddress, Timeout = TimeSpan.FromSeconds(60) };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Username}:{Password}")));
    }

    public async Task InitializeAsync()
    {
        try
        {
            using var amqp = new TcpClient();
            await amqp.ConnectAsync(Host, AmqpPort).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException)
        {
            throw new InvalidOperationException($"No RabbitMQ broker answers on {Host}:{AmqpPort}. {InstallHint}", exception);
        }

        try
        {
            using var overview = await _management.GetAsync(new Uri("overview", UriKind.Relative));
            overview.EnsureSuccessStatusCode();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"RabbitMQ answers on {Host}:{AmqpPort} but its management API at {ManagementAddress} does not " +
                $"(or refuses {Username}/{Password}); the tests create virtual hosts through it. {InstallHint}", exception);
        }
    }

    /// <summary>Creates an empty virtual host that <see cref="Username"/> may use; disposing it deletes it.</summary>
    public async Task<RabbitMqVirtualHost> CreateVirtualHostAsync(string purpose)
    {
        var name = $"it-{purpose}-{Guid.NewGuid():N}";
        _virtualHosts[name] = true;

        using (var created = await RetriedAsync(() => _management.PutAsJsonAsync(VirtualHostUri(name), new { description = $"Integration.Tests: {purpose}" })))
        {
            await EnsureSuccessAsync(created, $"create the virtual host {name}");
        }

        using (var permitted = await RetriedAsync(() => _management.PutAsJsonAsync(
            new Uri($"permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(Username)}", UriKind.Relative),
            new { configure = ".*", write = ".*", read = ".*" })))
        {
            await EnsureSuccessAsync(permitted, $"give {Username} access to the virtual host {name}");
        }

        return new RabbitMqVirtualHost(name, this);
    }

    /// <summary>The names of the clients connected to a virtual host, as the broker reports them.</summary>
    public async Task<IReadOnlyList<string>> ConnectionNamesAsync(string virtualHost)
    {
        var connections = await _management.GetFromJsonAsync<List<ConnectionInfo>>(
            new Uri($"vhosts/{Uri.EscapeDataString(virtualHost)}/connections", UriKind.Relative));
        return connections?.Select(connection => connection.ClientProperties?.ConnectionName ?? connection.Name ?? "").ToList() ?? [];
    }

    /// <summary>Deletes users (those that do not exist are skipped): users belong to no virtual host, so deleting one leaves them.</summary>
    public async Task DeleteUsersAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            using var deleted = await RetriedAsync(() => _management.DeleteAsync(new Uri($"users/{Uri.EscapeDataString(name)}", UriKind.Relative)));
            if (deleted.StatusCode != HttpStatusCode.NotFound)
            {
                await EnsureSuccessAsync(deleted, $"delete the user {name}");
            }
        }
    }

    internal async Task DeleteVirtualHostAsync(string name)
    {
        using var deleted = await RetriedAsync(() => _management.DeleteAsync(VirtualHostUri(name)));
        if (deleted.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(deleted, $"delete the virtual host {name}");
        }

        _virtualHosts.TryRemove(name, out _);
    }

    public async Task DisposeAsync()
    {
        // Virtual hosts a failed test did not get to delete.
        foreach (var name in _virtualHosts.Keys)
        {
            await DeleteVirtualHostAsync(name);
        }
    }

    public void Dispose() => _management.Dispose();

    // PUT and DELETE of the management API are idempotent: a call that timed out or failed on the way is made again.
    private static async Task<HttpResponseMessage> RetriedAsync(Func<Task<HttpResponseMessage>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (attempt < 3 && exception is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private static Uri VirtualHostUri(string name) => new($"vhosts/{Uri.EscapeDataString(name)}", UriKind.Relative);

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Could not {action}: the management API answered {(int)response.StatusCode} {body}");
        }
    }

    // The management API's JSON is snake_case.
    private sealed record ConnectionInfo(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("client_properties")] ClientProperties? ClientProperties);

    private sealed record ClientProperties([property: JsonPropertyName("connection_name")] string? ConnectionName);
}
