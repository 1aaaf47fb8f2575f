using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Security;

/// <summary>
/// Keys in the embedded host, over HTTP: the first start writes an admin key to <c>admin-key</c> in the data folder
/// (mode 0600); the key API answers 401 without a key and 403 with a key that lacks <c>admin</c>; the admin key creates
/// keys (shown once), lists them without secrets, and revokes one, which every check then refuses.
/// </summary>
[Collection(SecuredEmbeddedHost.Collection)]
public sealed class ApiKeyApiTests(SecuredEmbeddedHost embedded)
{
    private static readonly string[] PredictAndRead = ["predict", "read"];
    private static readonly string[] Everything = ["everything"];

    [Fact]
    public async Task The_first_admin_key_is_written_at_start_and_manages_the_keys_that_every_check_then_follows()
    {
        var host = embedded.Host;
        var file = embedded.AdminKeyFile;
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(file)), Deadlines.DistributedState, "the admin key file", host.Failure);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var admin = (await File.ReadAllTextAsync(file)).Trim();

        // Without a key: 401; the services learn the keys over the bus, so the admin key works once they have.
        await Poll.UntilAsync(async () => (await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", key: null)).StatusCode != HttpStatusCode.ServiceUnavailable,
            Deadlines.DistributedState, "the keys to reach the checks (503 until then)", host.Failure);
        using (var anonymous = await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", key: null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await Poll.UntilAsync(async () => (await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", admin)).StatusCode == HttpStatusCode.OK,
            Deadlines.DistributedState, "the admin key to be accepted", host.Failure);

        using var created = await embedded.SendAsync(HttpMethod.Post, "/api/v1/keys", admin, new { name = "scoring job", scopes = PredictAndRead });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var key = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("description").GetProperty("keyId").GetString()!;
        Assert.StartsWith($"mlp_{keyId}_", key, StringComparison.Ordinal);
        Assert.Equal(["predict", "read"], body.GetProperty("description").GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));

        // A key without admin: 403 on the key API (once the new key has reached the checks).
        await Poll.UntilAsync(async () => (await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", key)).StatusCode == HttpStatusCode.Forbidden,
            Deadlines.DistributedState, "the new key to be known (403, not 401)", host.Failure);
        using (var invalid = await embedded.SendAsync(HttpMethod.Post, "/api/v1/keys", admin, new { name = "", scopes = Everything }))
        {
            var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _) && problem.GetProperty("errors").TryGetProperty("scopes", out _), problem.ToString());
        }

        // Listed without secrets; revoked, then refused everywhere it is checked.
        var listed = await (await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", admin)).Content.ReadAsStringAsync();
        Assert.Contains(keyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", listed, StringComparison.OrdinalIgnoreCase);
        using (var revoked = await embedded.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{keyId}", admin))
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await Poll.UntilAsync(async () => (await embedded.SendAsync(HttpMethod.Get, "/api/v1/keys", key)).StatusCode == HttpStatusCode.Unauthorized,
            Deadlines.DistributedState, "the revoked key to be refused", host.Failure);
        using (var unknown = await embedded.SendAsync(HttpMethod.Delete, "/api/v1/keys/0123456789ab", admin))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
