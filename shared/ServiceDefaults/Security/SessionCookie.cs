using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.Security;

/// <summary>
/// The dashboard's credential in a browser (docs/security.md, "The dashboard in a browser"): the API key in a cookie set
/// by <c>POST /api/v1/session</c> (<see cref="SessionEndpoints"/>). It is read-only by construction: a request
/// authenticates by it only when it is a <c>GET</c> or <c>HEAD</c>, and then with the <see cref="Scopes.Read"/> scope
/// alone, whatever else the key may do. A request that changes something needs the key in a header, which no other
/// site can make a browser send, so the cookie needs no antiforgery token.
/// </summary>
public static class SessionCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "mlp_key";

    /// <summary>The only scope a request authenticated by the cookie has.</summary>
    public const string Scope = Scopes.Read;

    /// <summary>The key in <paramref name="request"/>'s cookie, when the request is a <c>GET</c> or <c>HEAD</c>; null otherwise.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            return null;
        return request.Cookies[Name] is { Length: > 0 } key ? key.Trim() : null;
    }

    /// <summary>
    /// The cookie's attributes: <c>HttpOnly</c> (no script reads it), <c>SameSite=Strict</c> (no request started by
    /// another site carries it), <c>Path=/</c>, no expiry (it ends with the browser session), and <c>Secure</c> when the
    /// request came over HTTPS (to this service, or to the gateway in front of it: <c>X-Forwarded-Proto</c>) or
    /// <paramref name="alwaysSecure"/> says so (<see cref="SecurityOptions.SecureSessionCookie"/>).
    /// </summary>
    public static CookieOptions Options(HttpRequest request, bool alwaysSecure)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = alwaysSecure || request.IsHttps || CameOverHttps(request),
            IsEssential = true,
        };
    }

    // Forged, the header could only add Secure to the forger's own cookie, so it needs no trust.
    private static bool CameOverHttps(HttpRequest request) =>
        request.Headers["X-Forwarded-Proto"].ToString().Split(',')[0].Trim().Equals("https", StringComparison.OrdinalIgnoreCase);
}
