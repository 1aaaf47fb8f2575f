using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.Security;

/// <summary>
/// How an OpenID Connect access token becomes a caller (docs/security.md). The JwtBearer handler checks the token's
/// signature against the provider's keys, its issuer, its audience and its lifetime; then the caller is
/// <c>token:&lt;sub&gt;</c>, with one <c>scope</c> claim (<see cref="ApiKeyAuthenticationHandler.ScopeClaim"/>) per value
/// of the token's <c>scope</c>, <c>scp</c> and <c>roles</c> claims that names a platform scope (after
/// <see cref="OidcOptions.ScopePrefix"/>). Nothing else of the token is kept, so a claim of the token never passes a
/// scope policy unless it was mapped.
/// </summary>
public static class OidcTokens
{
    /// <summary>The token scheme's name.</summary>
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>What a token caller's <c>sub</c> starts with (an API key's is <c>key:</c>).</summary>
    public const string CallerPrefix = "token:";

    /// <summary>The longest caller, <c>token:&lt;sub&gt;</c>, accepted: what logs and the audit keep of an id.</summary>
    public const int MaxCallerLength = 200;

    /// <summary>The <c>Retry-After</c> of the 503 a token gets while the provider cannot be reached.</summary>
    public const int ProviderRetryAfterSeconds = 5;

    private const string ProviderUnreachableItem = "mlp.oidc-provider-unreachable";

    /// <summary>The token claims whose values may name scopes: OAuth 2.0's <c>scope</c>, Entra ID's <c>scp</c> and <c>roles</c>.</summary>
    public static readonly IReadOnlyList<string> ScopeClaimTypes = ["scope", "scp", "roles"];

    /// <summary>Sets <paramref name="jwt"/> from <paramref name="oidc"/>: the provider, the audience, the claims as the token names them, and <see cref="PrincipalOf"/>.</summary>
    public static void Configure(JwtBearerOptions jwt, OidcOptions oidc)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(oidc);
        jwt.Authority = oidc.Authority;
        jwt.Audience = oidc.Audience;
        if (!string.IsNullOrWhiteSpace(oidc.MetadataAddress))
            jwt.MetadataAddress = oidc.MetadataAddress;
        jwt.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        // sub, scp and roles as the token names them, not as WS-Federation claim types.
        jwt.MapInboundClaims = false;
        var prefix = oidc.ScopePrefix;
        jwt.Events = new JwtBearerEvents
        {
            // The provider's metadata or keys could not be read: the token was not checked at all, so the answer is the
            // service's 503 (try again), not a 401 telling the caller its token is bad. (The handler goes on without the
            // metadata and fails the token for its issuer or signature; asking the metadata again tells which it was.)
            OnAuthenticationFailed = async context =>
            {
                if (context.Options.ConfigurationManager is not { } metadata)
                    return;
                try
                {
                    await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
                }
                catch (Exception exception) when (ProviderUnreachable(exception))
                {
                    context.HttpContext.Items[ProviderUnreachableItem] = true;
                }
            },
            OnChallenge = async context =>
            {
                if (!context.HttpContext.Items.ContainsKey(ProviderUnreachableItem))
                    return;
                context.HandleResponse();
                context.Response.Headers.RetryAfter = ProviderRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    "This service cannot read the OpenID provider's metadata or signing keys right now, so the token could not be checked; try again shortly (API keys are not affected).",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "OpenID provider unreachable",
                    type: ProblemTypes.ServiceUnavailable).ExecuteAsync(context.HttpContext);
            },
            OnTokenValidated = context =>
            {
                if (context.Principal is { } token && PrincipalOf(token, prefix) is { } caller)
                    context.Principal = caller;
                else
                    context.Fail($"the token names no subject (sub) of at most {MaxCallerLength - CallerPrefix.Length} characters without control characters");
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (a token's authentication failure) means the provider's metadata or keys
    /// could not be read (the handler's "IDX20803: Unable to obtain configuration", over a failed request), not that the
    /// token is bad.
    /// </summary>
    public static bool ProviderUnreachable(Exception? exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is HttpRequestException or IOException or TaskCanceledException
                || (cause is InvalidOperationException && cause.Message.StartsWith("IDX20803", StringComparison.Ordinal)))
                return true;
        }

        return false;
    }

    /// <summary>
    /// The caller a validated token stands for: <c>token:&lt;sub&gt;</c> (as <c>sub</c> and the name identifier) with
    /// <see cref="ScopesOf"/> as <c>scope</c> claims; null when the token has no usable <c>sub</c> (none, empty, too long
    /// or with a control character, which would forge a log line).
    /// </summary>
    public static ClaimsPrincipal? PrincipalOf(ClaimsPrincipal token, string? scopePrefix)
    {
        ArgumentNullException.ThrowIfNull(token);
        var subject = token.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject) || CallerPrefix.Length + subject.Length > MaxCallerLength || subject.Any(char.IsControl))
            return null;
        var caller = CallerPrefix + subject;
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, caller), new("sub", caller) };
        claims.AddRange(ScopesOf(token.Claims, scopePrefix).Select(scope => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    /// <summary>
    /// The platform scopes <paramref name="claims"/> name, in the order of <see cref="Scopes.All"/>: every value of a
    /// <c>scope</c>, <c>scp</c> or <c>roles</c> claim, split at spaces (<c>"read predict"</c>), that is
    /// <paramref name="scopePrefix"/> followed by a scope (or a scope, without a prefix). Names are compared exactly.
    /// </summary>
    public static IReadOnlyList<string> ScopesOf(IEnumerable<Claim> claims, string? scopePrefix)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var prefix = scopePrefix ?? "";
        var named = claims
            .Where(claim => ScopeClaimTypes.Contains(claim.Type, StringComparer.Ordinal))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(value => value.StartsWith(prefix, StringComparison.Ordinal))
            .Select(value => value[prefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
        return [.. Scopes.All.Where(named.Contains)];
    }
}
