using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Security;

/// <summary>
/// In the distributed mode every public operation refuses a caller without a credential (401) and a caller whose key
/// lacks the operation's scope (403), at the gateway and on each service's own port, so a service reached directly
/// refuses too. The operations are read from the public OpenAPI document and from each service's own. The dashboard's
/// page is open at the gateway, and its session cookie reads through it and does nothing else.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedScopeTests(SharedSystem system)
{
    private const int MinimumOperations = 45;

    private static readonly string[] Services = ["retrainer", "featurebuilder", "inference-1", "feedbackcollector", "monitor"];

    [Fact]
    public async Task Every_operation_needs_a_credential_with_its_scope_at_the_gateway_and_at_every_service()
    {
        var keys = await OperationWalk.KeysLackingEachScopeAsync(system.Client);
        var operations = OperationWalk.OperationsOf(await PublicDocumentAsync());
        Assert.True(operations.Count >= MinimumOperations, $"the public document lists {operations.Count} operations");
        Assert.Equal(OperationWalk.OpenOperations, operations.Where(operation => operation.Scope is null).Select(operation => operation.ToString()).Order());

        var violations = new List<string>();
        var targets = Services.Select(system.Service).Select(service => (service.BaseAddress, Own: true)).Prepend((system.Gateway.BaseAddress, Own: false));
        foreach (var (address, own) in targets)
        {
            using var client = new HttpClient { BaseAddress = address };
            var walked = own ? OperationWalk.OperationsOf(await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative))) : operations;
            var read = walked.First(operation => operation.Scope == "read" && operation.Method == "GET");
            await OperationWalk.UntilKnownAsync(address, read.Path, keys["admin"], system.Failure);
            violations.AddRange(await OperationWalk.ViolationsAsync(address, walked, keys));
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task The_gateway_serves_the_dashboard_s_page_to_anyone_and_takes_its_session_cookie_for_reads_only()
    {
        // The gateway knows the session operations are open once it has read Monitor's document.
        await PublicDocumentAsync();
        // A browser: no credential, and no cookie jar (each request carries exactly the cookie the test gives it).
        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
            { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using (var page = await browser.GetAsync(new Uri("/dashboard/", UriKind.Relative)))
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"The gateway must serve the dashboard's page (and its sign-in form) to anyone: {(int)page.StatusCode}");
        using (var unsigned = await browser.GetAsync(new Uri("/api/v1/monitoring/models", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        using var signedIn = await browser.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new { key = TestKeys.Admin });
        Assert.True(signedIn.StatusCode == HttpStatusCode.NoContent, $"{(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync()}");
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("mlp_key=", StringComparison.Ordinal)).Split(';')[0];

        // The gateway and Monitor behind it both take the cookie for a read, and neither for anything else.
        Assert.Equal(HttpStatusCode.OK, await SendAsync(browser, HttpMethod.Get, "/api/v1/monitoring/models", cookie));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(browser, HttpMethod.Get, "/api/v1/keys", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(browser, HttpMethod.Post, "/api/v1/keys", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(browser, HttpMethod.Post, "/api/v1/feedback", cookie));
    }

    // The public document once the gateway has read every service's own: on a busy machine a service may not answer
    // the gateway's first try within its 3 s, and the document built without it is kept for 30 s.
    private Task<JsonElement> PublicDocumentAsync() =>
        Poll.GetJsonAsync(system.Client, "/openapi/public.json", document => OperationWalk.OperationsOf(document).Count >= MinimumOperations,
            Deadlines.DistributedState, system.Failure);

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpMethod method, string path, string cookie)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        if (method == HttpMethod.Post)
            request.Content = JsonContent.Create(new { });
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
