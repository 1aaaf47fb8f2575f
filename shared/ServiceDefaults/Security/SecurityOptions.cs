namespace ServiceDefaults.Security;

/// <summary>How callers are authenticated. Section <c>Security</c>.</summary>
public sealed class SecurityOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Security";

    /// <summary>
    /// Whether every operation but health, the OpenAPI documents and the API reference needs a credential with its
    /// scope. Turned off only for local experiments: the service then logs a warning at every start. Env: <c>Security__Enabled</c>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the key owner (the Retrainer) finds the first admin key when it starts with no key at all: it takes the key
    /// the file holds (an operator's own secret), or, when there is no such file, creates one and writes it there (file
    /// mode 0600); read it from there, then create the keys people and systems use. Unset: <c>admin-key</c> in the store's data
    /// folder (<c>Storage__DataFolder</c>, so <c>.data/store/admin-key</c> by default). Env: <c>Security__AdminKeyFile</c>.
    /// </summary>
    public string? AdminKeyFile { get; set; }

    /// <summary>
    /// Whether <c>/metrics</c> (Prometheus) answers without a credential, as scrapers inside a cluster expect; false makes
    /// it need the <c>read</c> scope. Env: <c>Security__OpenMetrics</c>.
    /// </summary>
    public bool OpenMetrics { get; set; } = true;

    /// <summary>
    /// OpenID Connect access tokens, accepted next to API keys when <see cref="OidcOptions.Authority"/> is set (section
    /// <c>Security:Oidc</c>).
    /// </summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Errors() => Oidc?.Errors($"{SectionName}:{nameof(Oidc)}") ?? [];
}
