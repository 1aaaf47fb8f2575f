using System.Security.Claims;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// How a validated token's claims become a caller: the scopes its <c>scope</c>, <c>scp</c> and <c>roles</c> values
/// name (exactly, after the configured prefix), <c>token:&lt;sub&gt;</c>, nothing else; and the settings' checks.
/// </summary>
public sealed class OidcTokensTests
{
    [Fact]
    public void Scopes_come_from_scope_scp_and_roles_values_that_name_platform_scopes_exactly()
    {
        Claim[] claims =
        [
            new("scope", "openid profile read"),
            new("scp", "predict  feedback"),
            new("roles", "admin"),
            new("roles", "read"),
            new("groups", "admin"),
            new("scope", "Read predict:all"),
        ];

        Assert.Equal([Scopes.Predict, Scopes.Feedback, Scopes.Read, Scopes.Admin], OidcTokens.ScopesOf(claims, scopePrefix: null));
        Assert.Equal([Scopes.Read], OidcTokens.ScopesOf([new Claim("groups", "admin"), new Claim("scp", "read")], scopePrefix: ""));
        Assert.Empty(OidcTokens.ScopesOf([new Claim("groups", "admin read")], scopePrefix: null));
    }

    [Fact]
    public void With_a_prefix_only_prefixed_values_count_and_the_prefix_is_taken_off()
    {
        Claim[] claims = [new("scope", "admin mlp.read"), new("roles", "mlp.predict"), new("scp", "mlp.mlp.feedback mlp.")];

        Assert.Equal([Scopes.Predict, Scopes.Read], OidcTokens.ScopesOf(claims, "mlp."));
    }

    [Fact]
    public void The_caller_is_token_sub_with_its_scopes_and_nothing_else_of_the_token()
    {
        var token = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "248289761001"), new Claim("scope", "read predict"), new Claim("name", "Jane"), new Claim("iss", "https://idp")], "jwt"));

        var caller = OidcTokens.PrincipalOf(token, scopePrefix: null);

        Assert.NotNull(caller);
        Assert.Equal("token:248289761001", caller.FindFirst("sub")?.Value);
        Assert.Equal("token:248289761001", caller.FindFirst(ClaimTypes.NameIdentifier)?.Value);
        Assert.Equal([Scopes.Predict, Scopes.Read], caller.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(claim => claim.Value));
        Assert.Equal([ClaimTypes.NameIdentifier, "scope", "scope", "sub"], caller.Claims.Select(claim => claim.Type).Order(StringComparer.Ordinal));
        Assert.True(caller.Identity?.IsAuthenticated);
        Assert.Equal(OidcTokens.SchemeName, caller.Identity?.AuthenticationType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a\nb")]
    [InlineData("a\u0000b")]
    public void A_token_without_a_usable_subject_is_no_caller(string? subject)
    {
        Claim[] claims = subject is null ? [new("scope", "read")] : [new("sub", subject), new("scope", "read")];

        Assert.Null(OidcTokens.PrincipalOf(new ClaimsPrincipal(new ClaimsIdentity(claims, "jwt")), scopePrefix: null));
    }

    [Fact]
    public void A_subject_is_taken_up_to_the_longest_caller()
    {
        var longest = new string('s', OidcTokens.MaxCallerLength - OidcTokens.CallerPrefix.Length);

        Assert.NotNull(OidcTokens.PrincipalOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", longest)], "jwt")), null));
        Assert.Null(OidcTokens.PrincipalOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", longest + "s")], "jwt")), null));
    }

    [Fact]
    public void Settings_without_an_authority_are_keys_only_and_must_not_name_token_settings()
    {
        Assert.Empty(new SecurityOptions().Errors());
        Assert.Empty(new SecurityOptions { Oidc = new OidcOptions { RequireHttpsMetadata = false } }.Errors());
        Assert.Equal(
        [
            "Security:Oidc:Audience is set but Security:Oidc:Authority is not: set the authority too, or neither (API keys only).",
            "Security:Oidc:ScopePrefix is set but Security:Oidc:Authority is not: set the authority too, or neither (API keys only).",
        ],
            new SecurityOptions { Oidc = new OidcOptions { Audience = "api", ScopePrefix = "mlp." } }.Errors());
    }

    [Fact]
    public void With_an_authority_the_audience_is_required_and_addresses_are_https_unless_allowed()
    {
        Assert.Empty(new SecurityOptions { Oidc = new OidcOptions { Authority = "https://login.example.com/realms/ml", Audience = "ml-platform" } }.Errors());
        Assert.Empty(new SecurityOptions
        {
            Oidc = new OidcOptions { Authority = "http://localhost:8180/realms/ml", Audience = "ml-platform", MetadataAddress = "http://keycloak:8080/realms/ml/.well-known/openid-configuration", RequireHttpsMetadata = false },
        }.Errors());

        Assert.Equal(
        [
            "Security:Oidc:Authority must use https while Security:Oidc:RequireHttpsMetadata is true (set it to false only for a local provider).",
            "Security:Oidc:Audience is required when Security:Oidc:Authority is set: the audience (aud) the platform's tokens are issued for.",
            "Security:Oidc:MetadataAddress must be an absolute http(s) URL, not 'keycloak/metadata'.",
            "Security:Oidc:ScopePrefix must not contain white space.",
        ],
            new SecurityOptions { Oidc = new OidcOptions { Authority = "http://idp", MetadataAddress = "keycloak/metadata", ScopePrefix = "mlp " } }.Errors());
        Assert.Equal(
            ["Security:Oidc:Authority must be an absolute http(s) URL, not 'ftp://idp'."],
            new SecurityOptions { Oidc = new OidcOptions { Authority = "ftp://idp", Audience = "api" } }.Errors());
    }
}
