using ServiceDefaults;

namespace Inference;

/// <summary>Limits of the Inference service. Section <c>Inference</c>.</summary>
public sealed class InferenceOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Inference";

    /// <summary>The most rows one Open Inference Protocol request may carry (more gets 413). Env: <c>Inference__MaxRowsPerRequest</c>.</summary>
    public int MaxRowsPerRequest { get; set; } = 10_000;

    /// <summary>Seconds a client is asked to wait (Retry-After) while no model is loaded yet. Env: <c>Inference__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MaxRowsPerRequest <= 0)
            yield return "Inference:MaxRowsPerRequest must be positive.";
        if (RetryAfterSeconds <= 0)
            yield return "Inference:RetryAfterSeconds must be positive.";
    }
}
