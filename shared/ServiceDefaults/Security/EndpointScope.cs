using Microsoft.AspNetCore.Authorization;

namespace ServiceDefaults.Security;

/// <summary>
/// The scope an endpoint requires, read from its metadata: none when it allows anonymous callers (health, the OpenAPI
/// documents, the API reference, the dashboard's page), the scope of its <see cref="SecurityExtensions.RequireScope{TBuilder}"/>,
/// and <see cref="Scopes.Admin"/> for an endpoint that names none (the fallback policy: a forgotten endpoint is closed, not open).
/// </summary>
public static class EndpointScope
{
    /// <summary>The scope <paramref name="metadata"/>'s endpoint requires, or null when it is open to anyone.</summary>
    public static string? Of(IEnumerable<object> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var items = metadata as IReadOnlyList<object> ?? [.. metadata];
        // As the authorization middleware decides: the last AllowAnonymous or Authorize data wins only for AllowAnonymous.
        if (items.OfType<IAllowAnonymous>().Any())
            return null;
        var named = items.OfType<IAuthorizeData>()
            .Select(data => data.Policy)
            .LastOrDefault(policy => policy is not null && policy.StartsWith(SecurityExtensions.PolicyPrefix, StringComparison.Ordinal));
        return named is null ? Scopes.Admin : named[SecurityExtensions.PolicyPrefix.Length..];
    }
}
