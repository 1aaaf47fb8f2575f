using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Security;

/// <summary>
/// The audit log in the embedded host, over HTTP: a key created and revoked by the admin key, and calls refused to a key
/// without <c>admin</c> (403) and to a caller without a key (401), are listed by <c>GET /api/v1/audit</c> with who made
/// them, what they changed and their result; the log itself needs <c>admin</c>.
/// </summary>
[Collection(SecuredEmbeddedHost.Collection)]
public sealed class AuditLogTests(SecuredEmbeddedHost embedded)
{
    private static readonly string[] ReadOnly = ["read"];

    [Fact]
    public async Task Keys_created_and_revoked_and_refused_calls_are_in_the_audit_log_with_who_what_and_result()
    {
        var host = embedded.Host;
        var admin = await embedded.AdminKeyAsync();
        var adminWho = $"key:{admin[4..16]}";

        using var created = await embedded.SendAsync(HttpMethod.Post, "/api/v1/keys", admin, new { name = "auditor", scopes = ReadOnly });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var reader = body.GetProperty("key").GetString()!;
        var readerId = body.GetProperty("description").GetProperty("keyId").GetString()!;

        // The log needs admin: a read key is refused (403, once the checks know it); reads are not audited.
        await Poll.UntilAsync(async () => (await embedded.SendAsync(HttpMethod.Get, "/api/v1/audit", reader)).StatusCode == HttpStatusCode.Forbidden,
            Deadlines.DistributedState, "the read key to be known (403, not 401)", host.Failure);
        using (var refused = await embedded.SendAsync(HttpMethod.Post, "/api/v1/keys", reader, new { name = "escalation", scopes = ReadOnly }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var anonymous = await embedded.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{readerId}", key: null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var revoked = await embedded.SendAsync(HttpMethod.Delete, $"/api/v1/keys/{readerId}", admin))
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        // Each call is recorded after its answer and kept by the Retrainer over the bus: polled until all four are listed.
        var byAdmin = await UntilListedAsync(admin, $"/api/v1/audit?who={adminWho}", entries =>
            entries.Any(entry => Location(entry) == $"/api/v1/keys/{readerId}") && entries.Any(entry => KeyIdOf(entry) == readerId));
        var creation = byAdmin.Single(entry => Location(entry) == $"/api/v1/keys/{readerId}");
        Assert.Equal(("POST", 201, "succeeded", "CreateApiKey", "Retrainer"), Summary(creation));
        var revocation = byAdmin.Single(entry => KeyIdOf(entry) == readerId);
        Assert.Equal(("DELETE", 200, "succeeded", "RevokeApiKey", "Retrainer"), Summary(revocation));
        Assert.Equal(($"/api/v1/keys/{readerId}", "/api/v1/keys/{keyId}"), (revocation.GetProperty("path").GetString(), revocation.GetProperty("route").GetString()));
        Assert.True(revocation.GetProperty("at").GetDateTimeOffset() >= creation.GetProperty("at").GetDateTimeOffset());

        var refusedCalls = await UntilListedAsync(admin, "/api/v1/audit?outcome=refused&limit=1000", entries =>
            entries.Any(entry => Who(entry) == $"key:{readerId}") && entries.Any(entry => Who(entry) == "anonymous" && KeyIdOf(entry) == readerId));
        Assert.Equal(("POST", 403, "refused", "CreateApiKey", "Retrainer"), Summary(refusedCalls.Single(entry => Who(entry) == $"key:{readerId}")));
        Assert.Equal(("DELETE", 401, "refused", "RevokeApiKey", "Retrainer"),
            Summary(refusedCalls.Single(entry => Who(entry) == "anonymous" && KeyIdOf(entry) == readerId)));

        using var badFilter = await embedded.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=0", admin);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
    }

    private async Task<List<JsonElement>> UntilListedAsync(string admin, string path, Func<List<JsonElement>, bool> done)
    {
        var answer = await Poll.UntilAnsweredAsync(
            embedded.Client,
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)) { Headers = { Authorization = new("Bearer", admin) } },
            answer => answer.Status == HttpStatusCode.OK && done(Entries(answer.Json())),
            Deadlines.DistributedState,
            $"GET {path} to list the calls",
            embedded.Host.Failure);
        return Entries(answer.Json());
    }

    private static List<JsonElement> Entries(JsonElement list) => [.. list.GetProperty("entries").EnumerateArray()];

    private static string? Who(JsonElement entry) => entry.GetProperty("who").GetString();

    private static string? Location(JsonElement entry) => entry.TryGetProperty("location", out var location) ? location.GetString() : null;

    private static string? KeyIdOf(JsonElement entry) =>
        entry.GetProperty("routeValues").TryGetProperty("keyId", out var keyId) ? keyId.GetString() : null;

    private static (string?, int, string?, string?, string?) Summary(JsonElement entry) => (
        entry.GetProperty("method").GetString(), entry.GetProperty("status").GetInt32(), entry.GetProperty("outcome").GetString(),
        entry.GetProperty("operation").GetString(), entry.GetProperty("service").GetString());
}
