using ServiceDefaults;

namespace FeatureBuilder;

/// <summary>Limits and names of the online prediction API. Section <c>FeatureBuilder</c>.</summary>
public sealed class FeatureBuilderOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "FeatureBuilder";

    /// <summary>The most records one predict request may carry (more gets 413). Env: <c>FeatureBuilder__MaxRecordsPerRequest</c>.</summary>
    public int MaxRecordsPerRequest { get; set; } = 1000;

    /// <summary>
    /// How long a request waits for Inference before the client gets 503 (so a client never hangs on a
    /// stopped or overloaded scorer). Env: <c>FeatureBuilder__InferenceTimeout</c> (e.g. <c>00:00:05</c>).
    /// </summary>
    public TimeSpan InferenceTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seconds a client is asked to wait (Retry-After) after a 503. Env: <c>FeatureBuilder__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// The record field that carries the caller's key of the thing predicted (e.g. a flight number), echoed
    /// in the prediction event and used to join outcomes; not a model input. Env: <c>FeatureBuilder__EntityKeyField</c>.
    /// </summary>
    public string EntityKeyField { get; set; } = "entityKey";

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MaxRecordsPerRequest <= 0)
            yield return "FeatureBuilder:MaxRecordsPerRequest must be positive.";
        if (InferenceTimeout <= TimeSpan.Zero)
            yield return "FeatureBuilder:InferenceTimeout must be positive.";
        if (RetryAfterSeconds <= 0)
            yield return "FeatureBuilder:RetryAfterSeconds must be positive.";
        if (string.IsNullOrWhiteSpace(EntityKeyField))
            yield return "FeatureBuilder:EntityKeyField must name a field.";
    }
}
