using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Security;

/// <summary>
/// Authenticates a request by its API key, sent as <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>,
/// against the process's <see cref="ApiKeyDirectory"/>. A request without a key is left to the other handlers (and, when
/// none authenticates it, answered 401); a key that is malformed, unknown, revoked or expired fails (401). The caller
/// is <c>key:&lt;key id&gt;</c>, with one <c>scope</c> claim per scope of the key. A <c>GET</c> or <c>HEAD</c> without a
/// key in a header may carry it in the dashboard's cookie (<see cref="SessionCookie"/>): the caller then has the
/// <see cref="Scopes.Read"/> scope only (when the key has it), and a request of any other method never authenticates by
/// the cookie.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header that may carry the key instead of <c>Authorization</c>.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The claim that holds a scope (one claim per scope).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>
    /// The key a request carries in a header, or null: <c>X-Api-Key</c>, else a bearer token that has the form of a key.
    /// (The dashboard's cookie is not read here: <see cref="SessionCookie.KeyOf"/>.)
    /// </summary>
    public static string? KeyOf(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[HeaderName] is [{ Length: > 0 } header])
            return header.Trim();
        return request.Headers.Authorization is [{ } authorization]
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && authorization[7..].Trim() is var token && token.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal)
                ? token
                : null;
    }

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var fromCookie = false;
        if (KeyOf(Request) is not { } key)
        {
            if (SessionCookie.KeyOf(Request) is not { } cookie)
                return Task.FromResult(AuthenticateResult.NoResult());
            (key, fromCookie) = (cookie, true);
        }

        var check = directory.Check(key);
        return Task.FromResult(check.Outcome switch
        {
            ApiKeyOutcome.Valid => AuthenticateResult.Success(new AuthenticationTicket(Principal(check, fromCookie), SchemeName)),
            ApiKeyOutcome.Expired => AuthenticateResult.Fail($"API key {check.KeyId} has expired"),
            ApiKeyOutcome.Malformed => AuthenticateResult.Fail("the API key is not of the form mlp_<id>_<secret>"),
            _ => AuthenticateResult.Fail(directory.IsLoaded ? "unknown or revoked API key" : "this service has not received the platform's API keys yet"),
        });
    }

    // By the cookie the caller may read, nothing more: its other scopes are left out.
    private static ClaimsPrincipal Principal(ApiKeyCheck check, bool fromCookie)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, $"key:{check.KeyId}"), new("sub", $"key:{check.KeyId}") };
        claims.AddRange(check.Scopes.Where(scope => !fromCookie || scope == SessionCookie.Scope).Select(scope => new Claim(ScopeClaim, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}
