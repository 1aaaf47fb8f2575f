using Microsoft.Extensions.Options;

namespace Gateway;

/// <summary>Refuses to start with gateway settings that cannot work, naming the key to fix.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        const string Section = GatewayOptions.SectionName;
        var failures = new List<string>();

        if (options.MaxRequestBodyBytes <= 0)
            failures.Add($"{Section}:MaxRequestBodyBytes must be positive, not {options.MaxRequestBodyBytes}.");
        if (options.MaxModelUploadBytes <= 0)
            failures.Add($"{Section}:MaxModelUploadBytes must be positive, not {options.MaxModelUploadBytes}.");
        if (options.MaxBatchUploadBytes <= 0)
            failures.Add($"{Section}:MaxBatchUploadBytes must be positive, not {options.MaxBatchUploadBytes}.");
        if (options.RetryAfterSeconds <= 0)
            failures.Add($"{Section}:RetryAfterSeconds must be positive, not {options.RetryAfterSeconds}.");
        if (options.PublicDocumentCacheDuration < TimeSpan.Zero)
            failures.Add($"{Section}:PublicDocumentCacheDuration must not be negative, not {options.PublicDocumentCacheDuration}.");
        if (options.UpstreamDocumentTimeout <= TimeSpan.Zero)
            failures.Add($"{Section}:UpstreamDocumentTimeout must be positive, not {options.UpstreamDocumentTimeout}.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
