using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Retrainer.Audit;

namespace Retrainer.Tests.Audit;

/// <summary>
/// <c>GET /api/v1/audit</c> on the Retrainer in an in-process host (security turned off, so no key is needed): the entries
/// newest first with their filters and limit, a 400 naming the bad filter, and the host's own admin calls recorded.
/// </summary>
public sealed class AuditApiTests(AuditApiTests.Host host) : IClassFixture<AuditApiTests.Host>
{
    private static readonly DateTimeOffset Start = new(2001, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] ReadOnly = ["read"];

    public static TheoryData<string, string> BadFilters => new()
    {
        { "limit=0", "limit" },
        { "limit=1001", "limit" },
        { "limit=ten", "limit" },
        { "since=yesterday", "since" },
        { "until=2026-13-01", "until" },
        { "since=2026-11-23T11:00:00Z&until=2026-11-23T10:00:00Z", "until" },
        { "outcome=ok", "outcome" },
        { "who=" + new string('k', 201), "who" },
        { "who=key%0Aforged", "who" },
        { "model=" + new string('m', 201), "model" },
    };

    [Fact]
    public async Task Entries_are_listed_newest_first_and_filtered_by_who_outcome_model_time_and_limit()
    {
        var store = host.Services.GetRequiredService<AuditStore>();
        var who = $"key:{Guid.NewGuid():N}"[..16];
        await store.AddAsync(Entry(Start, who, "flight-delay", 201), CancellationToken.None);
        await store.AddAsync(Entry(Start.AddMinutes(1), who, "churn", 403), CancellationToken.None);
        await store.AddAsync(Entry(Start.AddMinutes(2), who, "churn", 500), CancellationToken.None);

        var all = await ListAsync($"who={who}");
        Assert.Equal([500, 403, 201], all.Select(entry => entry.GetProperty("status").GetInt32()));
        var newest = all[0];
        Assert.Equal((who, "failed", "DELETE", "/api/v1/models/{model}/versions/{version}", "churn"),
            (newest.GetProperty("who").GetString(), newest.GetProperty("outcome").GetString(), newest.GetProperty("method").GetString(),
             newest.GetProperty("route").GetString(), newest.GetProperty("routeValues").GetProperty("model").GetString()));
        Assert.Equal(Start.AddMinutes(2), newest.GetProperty("at").GetDateTimeOffset());

        Assert.Equal([500], (await ListAsync($"who={who}&limit=1")).Select(entry => entry.GetProperty("status").GetInt32()));
        Assert.Equal([403], (await ListAsync($"who={who}&outcome=refused")).Select(entry => entry.GetProperty("status").GetInt32()));
        Assert.Equal([201], (await ListAsync($"who={who}&model=flight-delay")).Select(entry => entry.GetProperty("status").GetInt32()));
        Assert.Equal([403], (await ListAsync($"who={who}&since=2001-03-01T12:01:00Z&until=2001-03-01T12:02:00Z")).Select(entry => entry.GetProperty("status").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(BadFilters))]
    public async Task A_bad_filter_is_a_400_naming_it(string query, string field)
    {
        using var response = await host.Client.GetAsync(new Uri($"/api/v1/audit?{query}", UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var problem = JsonDocument.Parse(body);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error under {field}: {body}");
    }

    [Fact]
    public async Task The_hosts_own_admin_calls_are_recorded()
    {
        using var created = await host.Client.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name = "audited", scopes = ReadOnly });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keyId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("description").GetProperty("keyId").GetString()!;
        using var revoked = await host.Client.DeleteAsync(new Uri($"/api/v1/keys/{keyId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        // Recorded after the answers, through the bus: polled, the deadline only bounds a failing test.
        var started = TimeProvider.System.GetTimestamp();
        List<JsonElement> entries;
        while ((entries = (await ListAsync("who=anonymous")).Where(entry => entry.GetProperty("path").GetString()!.StartsWith("/api/v1/keys", StringComparison.Ordinal)).ToList()).Count < 2
               && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
            await Task.Delay(50);

        // Each is recorded once its answer is complete, so their order is not asserted here (the store's contract orders them).
        entries = [.. entries.OrderBy(entry => entry.GetProperty("method").GetString(), StringComparer.Ordinal)];
        Assert.Equal(
            [("DELETE", "/api/v1/keys/{keyId}", 200, "RevokeApiKey"), ("POST", "/api/v1/keys/", 201, "CreateApiKey")],
            entries.Select(entry => (entry.GetProperty("method").GetString(), entry.GetProperty("route").GetString(), entry.GetProperty("status").GetInt32(),
                entry.GetProperty("operation").GetString())));
        Assert.Equal(keyId, entries[0].GetProperty("routeValues").GetProperty("keyId").GetString());
        Assert.Equal($"/api/v1/keys/{keyId}", entries[1].GetProperty("location").GetString());
        Assert.Equal("Retrainer", entries[0].GetProperty("service").GetString());
    }

    private async Task<List<JsonElement>> ListAsync(string query)
    {
        using var response = await host.Client.GetAsync(new Uri($"/api/v1/audit?{query}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("entries").EnumerateArray().Select(entry => entry.Clone())];
    }

    private static AuditRecorded Entry(DateTimeOffset at, string who, string model, int status) => new(
        Guid.CreateVersion7(at), at, who, "Retrainer", "DELETE", "/api/v1/models/{model}/versions/{version}", $"/api/v1/models/{model}/versions/3",
        new Dictionary<string, string> { ["model"] = model, ["version"] = "3" }, null, status, AuditOutcomes.Of(status), "DeleteModelVersion", null);

    /// <summary>The Retrainer in process, with a store and models folder of its own, security off, no demo model, no automatic retraining.</summary>
    public sealed class Host : IAsyncDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), $"audit-api-{Guid.NewGuid():N}");
        private readonly WebApplicationFactory<Program> _factory;

        public Host()
        {
            _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
                .UseSetting("Messaging:Transport", "InMemory")
                .UseSetting("Security:Enabled", "false")
                .UseSetting("Storage:DataFolder", Path.Combine(_folder, "store"))
                .UseSetting("Registry:ModelsFolder", Path.Combine(_folder, "models"))
                .UseSetting("Registry:BootstrapDemoModel", "false")
                .UseSetting("Retraining:Enabled", "false"));
            Client = _factory.CreateClient();
        }

        public HttpClient Client { get; }

        public IServiceProvider Services => _factory.Services;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
            if (Directory.Exists(_folder))
                Directory.Delete(_folder, recursive: true);
        }
    }
}
