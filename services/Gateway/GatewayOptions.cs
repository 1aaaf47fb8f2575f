namespace Gateway;

/// <summary>Limits the gateway applies to the public API. Section <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The largest request body accepted on the public API (413 beyond). Env: <c>Gateway__MaxRequestBodyBytes</c>.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Seconds a client is asked to wait (Retry-After) when no service instance can answer. Env: <c>Gateway__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}
