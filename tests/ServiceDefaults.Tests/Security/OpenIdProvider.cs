using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// The smallest OpenID provider a token handler can use, on Kestrel on 127.0.0.1: <c>/.well-known/openid-configuration</c>
/// naming its issuer (its address) and <c>/jwks</c> with the public half of an RSA key made for the test; it signs
/// tokens with that key (or, for a test of a forged token, another one).
/// </summary>
internal sealed class OpenIdProvider : IAsyncDisposable
{
    public const string KeyId = "test-key";

    private readonly WebApplication _app;
    private readonly RSA _key;

    private OpenIdProvider(WebApplication app, RSA key, string issuer)
    {
        _app = app;
        _key = key;
        Issuer = issuer;
    }

    /// <summary>The provider's address and the issuer its tokens name.</summary>
    public string Issuer { get; }

    public static async Task<OpenIdProvider> StartAsync()
    {
        var key = RSA.Create(2048);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OpenIdProvider? provider = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider!.Issuer,
            ["jwks_uri"] = $"{provider.Issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        }));
        app.MapGet("/jwks", () =>
        {
            var parameters = key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = SecurityAlgorithms.RsaSha256,
                        ["kid"] = KeyId,
                        ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                        ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                    },
                },
            });
        });
        await app.StartAsync();
        provider = new OpenIdProvider(app, key, app.Urls.First().TrimEnd('/'));
        return provider;
    }

    /// <summary>
    /// A token for <paramref name="audience"/> with <paramref name="claims"/> (values: strings, or string arrays), valid
    /// from a minute ago for <paramref name="lifetime"/> (ten minutes; a negative one ends in the past), signed with the
    /// provider's key unless <paramref name="signedWith"/> is another one (null signature: <c>alg: none</c> when
    /// <paramref name="unsigned"/>).
    /// </summary>
    public string Token(
        string audience,
        IDictionary<string, object> claims,
        TimeSpan? lifetime = null,
        string? issuer = null,
        RSA? signedWith = null,
        bool unsigned = false)
    {
        var now = DateTime.UtcNow;
        var ends = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = ends < now ? ends.AddMinutes(-5) : now.AddMinutes(-1),
            NotBefore = ends < now ? ends.AddMinutes(-5) : now.AddMinutes(-1),
            Expires = ends,
            SigningCredentials = unsigned ? null : new SigningCredentials(new RsaSecurityKey(signedWith ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
