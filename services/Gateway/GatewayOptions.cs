using ServiceDefaults;

namespace Gateway;

/// <summary>What the gateway applies to the public API and how it builds the public OpenAPI document. Section <c>Gateway</c>.</summary>
public sealed class GatewayOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// The largest request body accepted on the public API (413 beyond), whether announced by Content-Length
    /// or sent in chunks. Default 4 MiB. Env: <c>Gateway__MaxRequestBodyBytes</c>.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The largest batch upload (<c>POST /api/v1/models/{model}/batches</c>) accepted; every other request has
    /// <see cref="MaxRequestBodyBytes"/>. Default 10 GiB. Env: <c>Gateway__MaxBatchUploadBytes</c>.
    /// </summary>
    public long MaxBatchUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// The largest model version upload (<c>POST /api/v1/models/{model}/versions</c>: ONNX file, card and reference records)
    /// accepted, and of a version's reference or a model's training dataset (<c>PUT …/versions/{version}/reference</c>,
    /// <c>PUT …/training-dataset</c>). Default 1088 MiB: the registry's own limits, <c>Registry__MaxUploadBytes</c> (64 MiB of ONNX) and
    /// <c>Registry__MaxReferenceBytes</c> (1 GiB of reference records). Env: <c>Gateway__MaxModelUploadBytes</c>.
    /// </summary>
    public long MaxModelUploadBytes { get; set; } = (64L + 1024) * 1024 * 1024;

    /// <summary>Seconds a client is asked to wait (Retry-After) when no service instance can answer. Env: <c>Gateway__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>How long the merged public OpenAPI document is reused before it is built again. Env: <c>Gateway__PublicDocumentCacheDuration</c>.</summary>
    public TimeSpan PublicDocumentCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the gateway waits for one service's own OpenAPI document. Env: <c>Gateway__UpstreamDocumentTimeout</c>.</summary>
    public TimeSpan UpstreamDocumentTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MaxRequestBodyBytes <= 0)
            yield return $"{SectionName}:MaxRequestBodyBytes must be positive, not {MaxRequestBodyBytes}.";
        if (MaxModelUploadBytes <= 0)
            yield return $"{SectionName}:MaxModelUploadBytes must be positive, not {MaxModelUploadBytes}.";
        if (MaxBatchUploadBytes <= 0)
            yield return $"{SectionName}:MaxBatchUploadBytes must be positive, not {MaxBatchUploadBytes}.";
        if (RetryAfterSeconds <= 0)
            yield return $"{SectionName}:RetryAfterSeconds must be positive, not {RetryAfterSeconds}.";
        if (PublicDocumentCacheDuration < TimeSpan.Zero)
            yield return $"{SectionName}:PublicDocumentCacheDuration must not be negative, not {PublicDocumentCacheDuration}.";
        if (UpstreamDocumentTimeout <= TimeSpan.Zero)
            yield return $"{SectionName}:UpstreamDocumentTimeout must be positive, not {UpstreamDocumentTimeout}.";
    }
}
