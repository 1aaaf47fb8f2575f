using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Contracts.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// The dashboard's session (docs/security.md, "The dashboard in a browser"), on a real Kestrel server on 127.0.0.1 with
/// the platform's defaults: <c>POST /api/v1/session</c> takes a key as JSON only and sets it in an HttpOnly,
/// SameSite=Strict session cookie on <c>/</c>; the cookie authenticates a GET or HEAD with the read scope alone and no
/// other method at all; <c>DELETE</c> clears it.
/// </summary>
public sealed class SessionCookieTests
{
    private static readonly DateTimeOffset Now = new ManualClock().Now;

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_session_cookie_on_the_root_and_signing_out_clears_it()
    {
        var (admin, adminEntry) = TestKeys.Create(Scopes.All.ToArray());
        await using var service = await StartAsync([adminEntry]);

        using var signedIn = await SignInAsync(service, admin);

        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var cookie = SessionCookieOf(signedIn);
        Assert.Equal(SessionCookie.Name, cookie.Name.Value);
        Assert.Equal(admin, cookie.Value.Value);
        Assert.True(cookie.HttpOnly, "The cookie must be HttpOnly.");
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.False(cookie.Secure, "Over plain HTTP the cookie cannot be Secure.");
        Assert.Null(cookie.Expires);
        Assert.Null(cookie.MaxAge);
        Assert.Contains("no-store", signedIn.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        using var signedOut = await service.Client.DeleteAsync(new Uri(SessionEndpoints.Path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        var cleared = SessionCookieOf(signedOut);
        Assert.Equal("", cleared.Value.Value);
        Assert.True(cleared.Expires < DateTimeOffset.UtcNow, $"The cookie must expire at once: {cleared}");
        Assert.Equal(("/", Microsoft.Net.Http.Headers.SameSiteMode.Strict, true), (cleared.Path.Value, cleared.SameSite, cleared.HttpOnly));
    }

    [Fact]
    public async Task The_cookie_is_Secure_when_the_sign_in_came_over_HTTPS_to_a_proxy_or_when_configured_so()
    {
        var (reader, entry) = TestKeys.Create(Scopes.Read);
        await using (var service = await StartAsync([entry]))
        {
            using var request = SignIn(reader);
            request.Headers.Add("X-Forwarded-Proto", "https");
            using var proxied = await service.Client.SendAsync(request);
            Assert.True(SessionCookieOf(proxied).Secure, "Behind a proxy reached over HTTPS the cookie must be Secure.");
        }

        await using (var service = await StartAsync([entry], new() { ["Security:SecureSessionCookie"] = "true" }))
        {
            using var configured = await SignInAsync(service, reader);
            Assert.True(SessionCookieOf(configured).Secure, "Security:SecureSessionCookie makes the cookie Secure.");
        }
    }

    [Fact]
    public async Task The_cookie_authenticates_a_GET_or_HEAD_with_the_read_scope_alone_and_nothing_else()
    {
        var (admin, adminEntry) = TestKeys.Create(Scopes.All.ToArray());
        await using var service = await StartAsync([adminEntry]);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, HttpMethod.Get, "/read", cookie: admin));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, HttpMethod.Head, "/read", cookie: admin));
        // The key may administer, the cookie may only read.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(service, HttpMethod.Get, "/admin", cookie: admin));
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(service, method, "/write", cookie: admin));
        // With the key in a header the same requests pass: only the cookie is held back.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, HttpMethod.Post, "/write", header: admin));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(service, HttpMethod.Get, "/admin", header: admin));
        Assert.Equal("key:" + adminEntry.KeyId, await BodyAsync(service, "/read", cookie: admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(service, HttpMethod.Get, "/read", cookie: ApiKeySecret.Create().Key));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(service, HttpMethod.Get, "/read"));
    }

    [Fact]
    public async Task Signing_in_refuses_a_body_that_is_not_JSON_and_a_missing_bad_or_expired_key_naming_key()
    {
        var (expired, expiredEntry) = TestKeys.Create(Scopes.Read);
        await using var service = await StartAsync([expiredEntry with { ExpiresAt = Now }]);

        // A plain HTML form (and a text/plain "simple request") is refused before the key is looked at.
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("key", expired)]);
        await AssertProblemAsync(await service.Client.PostAsync(new Uri(SessionEndpoints.Path, UriKind.Relative), form), HttpStatusCode.UnsupportedMediaType, key: false);
        using var text = new StringContent($$"""{"key":"{{expired}}"}""", Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await service.Client.PostAsync(new Uri(SessionEndpoints.Path, UriKind.Relative), text), HttpStatusCode.UnsupportedMediaType, key: false);

        await AssertProblemAsync(await service.Client.PostAsJsonAsync(new Uri(SessionEndpoints.Path, UriKind.Relative), new { }), HttpStatusCode.BadRequest, key: true);
        await AssertProblemAsync(await service.Client.PostAsJsonAsync(new Uri(SessionEndpoints.Path, UriKind.Relative), new { key = 42 }), HttpStatusCode.BadRequest, key: true);
        await AssertProblemAsync(await SignInAsync(service, "mlp_not-a-key"), HttpStatusCode.Unauthorized, key: true);
        await AssertProblemAsync(await SignInAsync(service, ApiKeySecret.Create().Key), HttpStatusCode.Unauthorized, key: true);
        await AssertProblemAsync(await SignInAsync(service, expired), HttpStatusCode.Unauthorized, key: true);
        using var tooLarge = new StringContent($$"""{"key":"{{new string('a', SessionEndpoints.MaxBodyBytes)}}"}""", Encoding.UTF8, "application/json");
        await AssertProblemAsync(await service.Client.PostAsync(new Uri(SessionEndpoints.Path, UriKind.Relative), tooLarge), HttpStatusCode.RequestEntityTooLarge, key: false);
    }

    [Fact]
    public async Task Signing_in_with_a_key_without_the_read_scope_is_403_and_sets_no_cookie()
    {
        var (writer, entry) = TestKeys.Create(Scopes.Predict, Scopes.Feedback, Scopes.Admin);
        await using var service = await StartAsync([entry]);

        using var refused = await SignInAsync(service, writer);

        Assert.False(refused.Headers.Contains(HeaderNames.SetCookie), "A refused sign-in sets no cookie.");
        var problem = await AssertProblemAsync(refused, HttpStatusCode.Forbidden, key: true);
        Assert.Contains("'read'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_the_keys_arrive_signing_in_is_503_with_Retry_After()
    {
        var (reader, _) = TestKeys.Create(Scopes.Read);
        await using var service = await StartAsync(keys: null);

        using var unavailable = await SignInAsync(service, reader);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.NotNull(unavailable.Headers.RetryAfter);
    }

    private static HttpRequestMessage SignIn(string key) =>
        new(HttpMethod.Post, new Uri(SessionEndpoints.Path, UriKind.Relative)) { Content = JsonContent.Create(new { key }) };

    private static async Task<HttpResponseMessage> SignInAsync(Service service, string key)
    {
        using var request = SignIn(key);
        return await service.Client.SendAsync(request);
    }

    private static SetCookieHeaderValue SessionCookieOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(HeaderNames.SetCookie, out var values), $"{(int)response.StatusCode}: no Set-Cookie");
        return SetCookieHeaderValue.ParseList([.. values]).Single(cookie => cookie.Name.Value == SessionCookie.Name);
    }

    private static async Task<HttpStatusCode> StatusAsync(Service service, HttpMethod method, string path, string? cookie = null, string? header = null)
    {
        using var request = Request(method, path, cookie, header);
        using var response = await service.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> BodyAsync(Service service, string path, string cookie)
    {
        using var request = Request(HttpMethod.Get, path, cookie, header: null);
        using var response = await service.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie, string? header)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (cookie is not null)
            request.Headers.Add(HeaderNames.Cookie, $"{SessionCookie.Name}={cookie}");
        if (header is not null)
            request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, header);
        if (method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Delete)
            request.Content = JsonContent.Create(new { });
        return request;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, bool key)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}, not {(int)status}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains(HeaderNames.SetCookie), "A refused sign-in sets no cookie.");
            var problem = JsonDocument.Parse(body).RootElement.Clone();
            if (key)
                Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("key", out _), $"The problem must name 'key': {body}");
            return problem;
        }
    }

    // The session endpoints with three endpoints to call: one that reads, one that administers, one that writes.
    private static async Task<Service> StartAsync(ApiKeyEntry[]? keys, Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(new ManualClock(Now));
        builder.AddServiceDefaults();
        builder.AddPlatformSecurity();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSessionEndpoints();
        app.MapMethods("/read", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Results.Text(context.User.FindFirst("sub")?.Value)).RequireScope(Scopes.Read);
        app.MapGet("/admin", () => Results.Ok()).RequireScope(Scopes.Admin);
        app.MapMethods("/write", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch], () => Results.Ok()).RequireScope(Scopes.Read);
        if (keys is not null)
            app.Services.GetRequiredService<ApiKeyDirectory>().Update(new ApiKeysChanged(keys, Now));
        await app.StartAsync();
        // No cookie jar: every cookie a request carries is one the test wrote.
        return new Service(app, new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(app.Urls.First()) });
    }

    private sealed record Service(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
