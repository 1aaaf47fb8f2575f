using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Security;

/// <summary>
/// Keys in the embedded host, over HTTP: the first start writes an admin key to <c>admin-key</c> in the data folder
/// (mode 0600); the key API answers 401 without a key and 403 with a key that lacks <c>admin</c>; the admin key creates
/// keys (shown once), lists them without secrets, and revokes one, which every check then refuses.
/// </summary>
public sealed class ApiKeyApiTests
{
    private static readonly string[] PredictAndRead = ["predict", "read"];
    private static readonly string[] Everything = ["everything"];

    [Fact]
    public async Task The_first_admin_key_is_written_at_start_and_manages_the_keys_that_every_check_then_follows()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-api-keys-{Guid.NewGuid():N}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = Path.Combine(dataFolder, "models"),
                ["Registry__BootstrapDemoModel"] = "false",
                ["Storage__DataFolder"] = Path.Combine(dataFolder, "store"),
                // Unset: the Retrainer creates the first key in the data folder, as on a fresh machine.
                ["Security__AdminKeyFile"] = "",
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            var file = Path.Combine(dataFolder, "store", "admin-key");
            await Poll.UntilAsync(() => Task.FromResult(File.Exists(file)), Deadlines.DistributedState, "the admin key file", host.Failure);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var admin = (await File.ReadAllTextAsync(file)).Trim();

            // Without a key: 401; the services learn the keys over the bus, so the admin key works once they have.
            using (var anonymousClient = new HttpClient { BaseAddress = host.BaseAddress })
            {
                await Poll.UntilAsync(async () => (await anonymousClient.GetAsync(new Uri("/api/v1/keys", UriKind.Relative))).StatusCode != HttpStatusCode.ServiceUnavailable,
                    Deadlines.DistributedState, "the keys to reach the checks (503 until then)", host.Failure);
                using var anonymous = await anonymousClient.GetAsync(new Uri("/api/v1/keys", UriKind.Relative));
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }
            await Poll.UntilAsync(async () => (await SendAsync(host, HttpMethod.Get, "/api/v1/keys", admin)).StatusCode == HttpStatusCode.OK,
                Deadlines.DistributedState, "the admin key to be accepted", host.Failure);

            using var created = await SendAsync(host, HttpMethod.Post, "/api/v1/keys", admin, new { name = "scoring job", scopes = PredictAndRead });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
            var key = body.GetProperty("key").GetString()!;
            var keyId = body.GetProperty("description").GetProperty("keyId").GetString()!;
            Assert.StartsWith($"mlp_{keyId}_", key, StringComparison.Ordinal);
            Assert.Equal(["predict", "read"], body.GetProperty("description").GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));

            // A key without admin: 403 on the key API (once the new key has reached the checks).
            await Poll.UntilAsync(async () => (await SendAsync(host, HttpMethod.Get, "/api/v1/keys", key)).StatusCode == HttpStatusCode.Forbidden,
                Deadlines.DistributedState, "the new key to be known (403, not 401)", host.Failure);
            using (var invalid = await SendAsync(host, HttpMethod.Post, "/api/v1/keys", admin, new { name = "", scopes = Everything }))
            {
                var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
                Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _) && problem.GetProperty("errors").TryGetProperty("scopes", out _), problem.ToString());
            }

            // Listed without secrets; revoked, then refused everywhere it is checked.
            var listed = await (await SendAsync(host, HttpMethod.Get, "/api/v1/keys", admin)).Content.ReadAsStringAsync();
            Assert.Contains(keyId, listed, StringComparison.Ordinal);
            Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
            Assert.DoesNotContain("sha256", listed, StringComparison.OrdinalIgnoreCase);
            using (var revoked = await SendAsync(host, HttpMethod.Delete, $"/api/v1/keys/{keyId}", admin))
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            await Poll.UntilAsync(async () => (await SendAsync(host, HttpMethod.Get, "/api/v1/keys", key)).StatusCode == HttpStatusCode.Unauthorized,
                Deadlines.DistributedState, "the revoked key to be refused", host.Failure);
            using (var unknown = await SendAsync(host, HttpMethod.Delete, "/api/v1/keys/0123456789ab", admin))
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(ServiceProcess host, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await host.Client.SendAsync(request);
    }
}
