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

    /// <inheritdoc />
    public IEnumerable<string> Errors() => [];
}
