using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Contracts.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// OpenID Connect access tokens next to API keys, on real Kestrel servers on 127.0.0.1: a service with the platform's
/// defaults whose <c>Security:Oidc:Authority</c> is a small provider of the test's own (<see cref="OpenIdProvider"/>).
/// A token's <c>scope</c>, <c>scp</c> and <c>roles</c> give its scopes (200 with one, 403 without), a token that is not
/// the platform's (another audience or issuer, expired, signed with another key or not at all, no subject) is a 401
/// problem, and an API key still works beside tokens.
/// </summary>
public sealed class TokenEnforcementTests
{
    private const string Audience = "ml-platform";
    private static readonly string[] AdminAndMore = ["admin", "unrelated"];
    private static readonly string[] Admin = ["admin"];

    [Fact]
    public async Task A_token_passes_the_scopes_its_scope_scp_or_roles_claims_name_and_gets_403_for_the_others()
    {
        await using var provider = await OpenIdProvider.StartAsync();
        var (readerId, reader) = ApiKeySecret.Create();
        await using var service = await StartAsync(provider, keys: [new ApiKeyEntry(readerId, ApiKeySecret.Hash(reader), [Scopes.Read], null)]);
        var readAndPredict = provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "alice", ["scope"] = "openid read predict" });

        using (var read = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {readAndPredict}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("token:alice", await read.Content.ReadAsStringAsync());
        }

        await AssertProblemAsync(await SendAsync(service, HttpMethod.Post, "/admin", $"Bearer {readAndPredict}"), HttpStatusCode.Forbidden);

        var administrator = provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "ops-robot", ["roles"] = AdminAndMore });
        using (var admin = await SendAsync(service, HttpMethod.Post, "/admin", $"Bearer {administrator}"))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.Equal("token:ops-robot", await admin.Content.ReadAsStringAsync());
        }

        await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {administrator}"), HttpStatusCode.Forbidden);

        // Entra ID's scp: a space-separated string in a user's token, and as an array where a provider sends one.
        foreach (var scp in new object[] { "read", new[] { "predict", "read" } })
        {
            using var answer = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "bob", ["scp"] = scp })}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // A token with no platform scope is a caller without scopes; one whose scope claim is not exactly a scope gains nothing.
        await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "carol" })}"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "carol", ["scope"] = "Read read:all" })}"), HttpStatusCode.Forbidden);

        // The API key beside the tokens, as a bearer token and in its own header.
        using var byBearer = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {reader}");
        using var byHeader = await SendAsync(service, HttpMethod.Get, "/read", reader, header: ApiKeyAuthenticationHandler.HeaderName);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (byBearer.StatusCode, byHeader.StatusCode));
        Assert.Equal($"key:{readerId}", await byBearer.Content.ReadAsStringAsync());
        await AssertProblemAsync(await SendAsync(service, HttpMethod.Post, "/admin", $"Bearer {reader}"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {ApiKeySecret.Create().Key}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_that_is_not_the_platforms_or_no_credential_is_a_401_problem()
    {
        await using var provider = await OpenIdProvider.StartAsync();
        using var forger = RSA.Create(2048);
        await using var service = await StartAsync(provider);
        var claims = new Dictionary<string, object> { ["sub"] = "mallory", ["scope"] = "read admin" };
        // The same claims and audience pass: each refusal below is for the one thing that differs.
        using (var valid = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {provider.Token(Audience, claims)}"))
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);

        var refused = new Dictionary<string, string?>
        {
            ["no credential"] = null,
            ["another audience"] = $"Bearer {provider.Token("another-api", claims)}",
            ["expired"] = $"Bearer {provider.Token(Audience, claims, lifetime: TimeSpan.FromMinutes(-10))}",
            ["signed with another key under the provider's key id"] = $"Bearer {provider.Token(Audience, claims, signedWith: forger)}",
            ["not signed"] = $"Bearer {provider.Token(Audience, claims, unsigned: true)}",
            ["another issuer"] = $"Bearer {provider.Token(Audience, claims, issuer: provider.Issuer + "/elsewhere")}",
            ["no subject"] = $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["scope"] = "read" })}",
            ["a subject with a line break"] = $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "a\nb", ["scope"] = "read" })}",
            ["not a token"] = "Bearer not-a-token",
            ["another scheme"] = "Basic YWxpY2U6c2VjcmV0",
        };
        foreach (var (what, authorization) in refused)
        {
            using var answer = await SendAsync(service, HttpMethod.Get, "/read", authorization);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {answer.StatusCode}");
            Assert.Contains(answer.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
            await AssertProblemAsync(answer, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task While_the_provider_cannot_be_reached_a_token_gets_a_503_to_retry_and_a_key_still_works()
    {
        var (readerId, reader) = ApiKeySecret.Create();
        string token;
        Service service;
        // The provider mints a token, then stops: its address answers nothing when the service first needs its keys.
        await using (var provider = await OpenIdProvider.StartAsync())
        {
            token = provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "alice", ["scope"] = "read" });
            service = await StartAsync(provider, keys: [new ApiKeyEntry(readerId, ApiKeySecret.Hash(reader), [Scopes.Read], null)]);
        }

        await using (service)
        {
            using (var answer = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {token}"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(OidcTokens.ProviderRetryAfterSeconds), answer.Headers.RetryAfter?.Delta);
                var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(("OpenID provider unreachable", 503), (problem.GetProperty("title").GetString(), problem.GetProperty("status").GetInt32()));
            }

            // A bad token is not checked either (the keys to check it are missing), and keys do not need the provider.
            await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", "Bearer not-a-token"), HttpStatusCode.ServiceUnavailable);
            using var byKey = await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {reader}");
            Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
            await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", null), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task With_a_scope_prefix_only_prefixed_values_are_scopes()
    {
        await using var provider = await OpenIdProvider.StartAsync();
        await using var service = await StartAsync(provider, scopePrefix: "mlp.");

        using var prefixed = await SendAsync(service, HttpMethod.Post, "/admin", $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "dave", ["scope"] = "mlp.admin" })}");
        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        await AssertProblemAsync(
            await SendAsync(service, HttpMethod.Post, "/admin", $"Bearer {provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "dave", ["scope"] = "admin", ["roles"] = Admin })}"),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Without_an_authority_there_is_no_token_handler_and_a_token_is_a_401()
    {
        await using var provider = await OpenIdProvider.StartAsync();
        await using var service = await StartAsync(provider, authority: false);

        Assert.Null(await service.App.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OidcTokens.SchemeName));
        var token = provider.Token(Audience, new Dictionary<string, object> { ["sub"] = "erin", ["scope"] = "read" });
        await AssertProblemAsync(await SendAsync(service, HttpMethod.Get, "/read", $"Bearer {token}"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null, "Security:Oidc:Audience is required")]
    [InlineData("true", "Security:Oidc:Authority must use https")]
    public async Task A_service_with_unusable_token_settings_refuses_to_start(string? requireHttps, string error)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:Oidc:Authority"] = "http://127.0.0.1:9/",
            ["Security:Oidc:Audience"] = requireHttps is null ? null : Audience,
            ["Security:Oidc:RequireHttpsMetadata"] = requireHttps ?? "false",
        });
        builder.AddServiceDefaults();
        await using var app = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(refused.Failures, failure => failure.StartsWith(error, StringComparison.Ordinal));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task With_tokens_on_the_dashboards_session_cookie_still_reads_and_still_changes_nothing()
    {
        await using var provider = await OpenIdProvider.StartAsync();
        var (adminId, admin) = ApiKeySecret.Create();
        await using var service = await StartAsync(provider, keys: [new ApiKeyEntry(adminId, ApiKeySecret.Hash(admin), [.. Scopes.All], null)]);
        // No cookie jar: the only cookie a request carries is the one written here.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = service.Client.BaseAddress };

        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("/read", UriKind.Relative));
        read.Headers.Add("Cookie", $"{SessionCookie.Name}={admin}");
        using (var answer = await client.SendAsync(read))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal($"key:{adminId}", await answer.Content.ReadAsStringAsync());
        }

        // An admin key's cookie on a POST is a request without a credential, not a token to check: 401 from the keys.
        using var write = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin", UriKind.Relative));
        write.Headers.Add("Cookie", $"{SessionCookie.Name}={admin}");
        await AssertProblemAsync(await client.SendAsync(write), HttpStatusCode.Unauthorized);
    }

    private static Task<HttpResponseMessage> SendAsync(Service service, HttpMethod method, string path, string? value, string header = "Authorization")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (value is not null)
            request.Headers.TryAddWithoutValidation(header, value);
        return service.Client.SendAsync(request);
    }

    private static async Task<Service> StartAsync(OpenIdProvider provider, bool authority = true, string? scopePrefix = null, IReadOnlyList<ApiKeyEntry>? keys = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:Oidc:Authority"] = authority ? provider.Issuer : null,
            ["Security:Oidc:Audience"] = authority ? Audience : null,
            ["Security:Oidc:RequireHttpsMetadata"] = "false",
            ["Security:Oidc:ScopePrefix"] = scopePrefix,
        });
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/read", (HttpContext context) => Results.Text(context.User.FindFirst("sub")?.Value ?? "anonymous")).RequireScope(Scopes.Read);
        app.MapPost("/admin", (HttpContext context) => Results.Text(context.User.FindFirst("sub")?.Value ?? "anonymous")).RequireScope(Scopes.Admin);
        app.Services.GetRequiredService<ApiKeyDirectory>().Update(new ApiKeysChanged(keys ?? [], DateTimeOffset.UtcNow));
        await app.StartAsync();
        return new Service(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
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
