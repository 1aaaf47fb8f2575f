namespace ServiceDefaults.Security;

/// <summary>
/// OpenID Connect access tokens as an alternative to API keys (section <c>Security:Oidc</c>, docs/security.md). Unset
/// <see cref="Authority"/>: no token handler, API keys only.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>
    /// The token issuer (the identity provider's issuer URL, e.g. a Keycloak realm or an Entra ID tenant's <c>v2.0</c>
    /// endpoint): its <c>/.well-known/openid-configuration</c> gives the issuer tokens must name and the keys they are
    /// signed with. Setting it turns tokens on. Env: <c>Security__Oidc__Authority</c>.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// The audience a token must be issued for (its <c>aud</c>): the platform's client or application id URI at the
    /// provider. Required with <see cref="Authority"/>. Env: <c>Security__Oidc__Audience</c>.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Where the provider's metadata is, when it is not <c>&lt;authority&gt;/.well-known/openid-configuration</c>
    /// (e.g. a provider reached by another address inside a cluster). Env: <c>Security__Oidc__MetadataAddress</c>.
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// Whether the metadata and the keys must be fetched over HTTPS (default true); false only for a local provider
    /// in development and tests. Env: <c>Security__Oidc__RequireHttpsMetadata</c>.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// What the provider puts before a platform scope in a token's <c>scope</c>, <c>scp</c> and <c>roles</c> values, for
    /// a provider whose scope names are shared by many applications (<c>mlp.</c> makes <c>mlp.predict</c> the scope
    /// <c>predict</c>; values without it are ignored). Unset: the values are the scopes themselves (<c>predict</c>).
    /// Env: <c>Security__Oidc__ScopePrefix</c>.
    /// </summary>
    public string? ScopePrefix { get; set; }

    /// <summary>Whether tokens are accepted: <see cref="Authority"/> is set.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>One sentence per invalid setting, each naming its key under <paramref name="section"/> (<c>Security:Oidc</c>).</summary>
    public IEnumerable<string> Errors(string section)
    {
        if (!IsEnabled)
        {
            foreach (var (name, value) in new[] { (nameof(Audience), Audience), (nameof(MetadataAddress), MetadataAddress), (nameof(ScopePrefix), ScopePrefix) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                    yield return $"{section}:{name} is set but {section}:Authority is not: set the authority too, or neither (API keys only).";
            }

            yield break;
        }

        if (AddressError(section, nameof(Authority), Authority) is { } authority)
            yield return authority;
        if (string.IsNullOrWhiteSpace(Audience))
            yield return $"{section}:Audience is required when {section}:Authority is set: the audience (aud) the platform's tokens are issued for.";
        if (!string.IsNullOrWhiteSpace(MetadataAddress) && AddressError(section, nameof(MetadataAddress), MetadataAddress) is { } metadata)
            yield return metadata;
        if (ScopePrefix is { Length: > 0 } prefix && (string.IsNullOrWhiteSpace(prefix) || prefix.Any(char.IsWhiteSpace)))
            yield return $"{section}:ScopePrefix must not contain white space.";
    }

    private string? AddressError(string section, string name, string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
            return $"{section}:{name} must be an absolute http(s) URL, not '{value}'.";
        if (RequireHttpsMetadata && address.Scheme != Uri.UriSchemeHttps)
            return $"{section}:{name} must use https while {section}:RequireHttpsMetadata is true (set it to false only for a local provider).";
        return null;
    }
}
